-- Webhooks (issue 12). One settings row per environment, created on first use, with the field names of Nango's
-- dashboard; Nango's defaults for a new environment (completion always, errors on). on_sync_run_summary is ours:
-- one extra webhook per run with every model's counts (off unless asked for). signing_key is the environment's
-- webhook signing key, encrypted like a connection's credentials (CredentialProtector), never the API key.
CREATE TABLE webhook_settings (
    environment_id BIGINT PRIMARY KEY REFERENCES environments(id),
    primary_url TEXT,
    secondary_url TEXT,
    on_sync_completion_always INTEGER NOT NULL DEFAULT 1,
    on_auth_creation INTEGER NOT NULL DEFAULT 1,
    on_auth_refresh_error INTEGER NOT NULL DEFAULT 1,
    on_sync_error INTEGER NOT NULL DEFAULT 1,
    on_sync_run_summary INTEGER NOT NULL DEFAULT 0,
    signing_key BLOB,
    updated_at BIGINT NOT NULL
);

-- The outbox. A row is written in the transaction that completes the run it reports, so a completion that did not
-- commit has none and one that did cannot lose it. No foreign keys: a delivery outlives its run's retention and its
-- connection's deletion (it reports something that happened). state: pending (lease_expires_at says whether a
-- worker holds it), delivered, dead. window_started_at starts the retry window (creation, or a manual retry).
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    environment_id BIGINT NOT NULL,
    connection_row_id BIGINT NOT NULL,
    connection_id TEXT NOT NULL,
    provider_config_key TEXT NOT NULL,
    run_id BIGINT NOT NULL,
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
-- Claims walk the pending rows in id order; the per-connection order check looks up earlier pending rows.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (connection_row_id, url, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_run ON webhook_deliveries (run_id);
CREATE INDEX webhook_deliveries_env ON webhook_deliveries (environment_id, id);
