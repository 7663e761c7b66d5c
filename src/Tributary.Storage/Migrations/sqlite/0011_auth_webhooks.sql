-- Auth webhooks (issues 10 and 12). A connection's creation, the override of its credentials and the first failed
-- refresh of a streak add an outbox row in the transaction of the change they report; no run is behind them, so
-- run_id becomes nullable (NULL for every auth delivery). SQLite cannot drop a NOT NULL in place: the table is
-- rebuilt (same columns, same ids, same indexes). It has no foreign keys in or out, so nothing else changes.
CREATE TABLE webhook_deliveries_0011 (
    id INTEGER PRIMARY KEY,
    environment_id BIGINT NOT NULL,
    connection_row_id BIGINT NOT NULL,
    connection_id TEXT NOT NULL,
    provider_config_key TEXT NOT NULL,
    run_id BIGINT,
    event TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    delivered_at BIGINT,
    last_status INTEGER,
    last_error TEXT
);
INSERT INTO webhook_deliveries_0011 (id, environment_id, connection_row_id, connection_id, provider_config_key, run_id, event,
    url, body, state, attempts, next_attempt_at, window_started_at, created_at, lease_owner, lease_expires_at,
    delivered_at, last_status, last_error)
SELECT id, environment_id, connection_row_id, connection_id, provider_config_key, run_id, event,
    url, body, state, attempts, next_attempt_at, window_started_at, created_at, lease_owner, lease_expires_at,
    delivered_at, last_status, last_error
FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_0011 RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (connection_row_id, url, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_run ON webhook_deliveries (run_id);
CREATE INDEX webhook_deliveries_env ON webhook_deliveries (environment_id, id);

-- Webhook settings from tributary.yaml (issue 12): the fields the file's `webhooks:` block gives, comma-separated
-- (Nango's names). Deploy writes them with the values; PATCH /environment/webhook-settings refuses to change them.
ALTER TABLE webhook_settings ADD COLUMN pinned_by_config TEXT;
