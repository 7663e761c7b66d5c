-- A connection made through a connect session keeps the session's end user and its tags, as Nango's does: GET
-- /connections answers them (end_user, tags) and the auth webhooks carry the tags. JSON text, null when none was given.
ALTER TABLE connections ADD COLUMN end_user TEXT;
ALTER TABLE connections ADD COLUMN tags TEXT;
