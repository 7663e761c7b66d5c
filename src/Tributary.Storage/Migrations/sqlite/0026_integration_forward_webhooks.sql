-- An integration's forward_webhooks, as Nango's integrations keep and answer it (true unless set false). Tributary
-- receives no provider webhooks, so nothing is forwarded either way; the setting is kept so that what a client set is
-- what it reads back.
ALTER TABLE integrations ADD COLUMN forward_webhooks INTEGER NOT NULL DEFAULT 1;
