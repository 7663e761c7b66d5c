-- Auth webhooks (issues 10 and 12). A connection's creation, the override of its credentials and the first failed
-- refresh of a streak add an outbox row in the transaction of the change they report; no run is behind them, so
-- run_id becomes nullable (NULL for every auth delivery).
ALTER TABLE webhook_deliveries ALTER COLUMN run_id DROP NOT NULL;

-- Webhook settings from tributary.yaml (issue 12): the fields the file's `webhooks:` block gives, comma-separated
-- (Nango's names). Deploy writes them with the values; PATCH /environment/webhook-settings refuses to change them.
ALTER TABLE webhook_settings ADD COLUMN pinned_by_config TEXT;
