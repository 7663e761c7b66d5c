-- Webhook leftovers (issue 12). A connection's webhook_url_override, as Nango has it: when set, every webhook of
-- the connection goes to this URL instead of the environment's primary and secondary URLs.
ALTER TABLE connections ADD COLUMN webhook_url_override TEXT;
