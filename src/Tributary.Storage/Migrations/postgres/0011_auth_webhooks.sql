-- Auth webhooks (issues 10 and 12). A connection's creation, the override of its credentials and the first failed
-- refresh of a streak add an outbox row in the transaction of the change they report; no run is behind them, so
-- run_id becomes nullable (NULL for every auth delivery).
ALTER TABLE webhook_deliveries ALTER COLUMN run_id DROP NOT NULL;
