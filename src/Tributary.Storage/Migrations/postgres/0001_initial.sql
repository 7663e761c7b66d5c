-- Times are unix microseconds (UTC) in both dialects: one representation, microsecond precision as Nango's API shows.
CREATE TABLE environments (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    environment_id BIGINT NOT NULL REFERENCES environments(id),
    key_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE integrations (
    id BIGSERIAL PRIMARY KEY,
    environment_id BIGINT NOT NULL REFERENCES environments(id),
    unique_key TEXT NOT NULL,
    provider TEXT NOT NULL,
    display_name TEXT,
    base_url TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (environment_id, unique_key)
);

CREATE TABLE sync_configs (
    id BIGSERIAL PRIMARY KEY,
    integration_id BIGINT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    function_name TEXT NOT NULL,
    models TEXT NOT NULL,
    frequency TEXT NOT NULL,
    frequency_ms BIGINT NOT NULL,
    auto_start BIGINT NOT NULL,
    sync_type TEXT NOT NULL,
    track_deletes BIGINT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (integration_id, name)
);

CREATE TABLE connections (
    id BIGSERIAL PRIMARY KEY,
    environment_id BIGINT NOT NULL REFERENCES environments(id),
    integration_id BIGINT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL,
    credentials_type TEXT NOT NULL,
    credentials BYTEA NOT NULL,
    metadata TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (integration_id, connection_id)
);
CREATE INDEX connections_by_env ON connections (environment_id, connection_id);

CREATE TABLE syncs (
    id TEXT PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    sync_config_id BIGINT NOT NULL REFERENCES sync_configs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    variant TEXT NOT NULL,
    frequency_override TEXT,
    frequency_ms BIGINT NOT NULL,
    schedule_state TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    next_due_at BIGINT NOT NULL,
    last_sync_date BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (connection_id, name, variant)
);
CREATE INDEX syncs_due ON syncs (next_due_at) WHERE schedule_state = 'STARTED';
CREATE INDEX syncs_by_config ON syncs (sync_config_id);

CREATE TABLE runs (
    id BIGSERIAL PRIMARY KEY,
    sync_id TEXT NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    trigger_source TEXT NOT NULL,
    initiator TEXT,
    reset BIGINT NOT NULL,
    empty_cache BIGINT NOT NULL,
    empty_cache_done BIGINT NOT NULL,
    batch_id TEXT,
    attempt BIGINT NOT NULL,
    lease_owner TEXT,
    lease_token BIGINT NOT NULL,
    lease_expires_at BIGINT,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    attempt_started_at BIGINT,
    finished_at BIGINT,
    job_type TEXT,
    result TEXT,
    error TEXT
);
CREATE UNIQUE INDEX runs_one_queued ON runs (sync_id) WHERE state = 'queued';
CREATE UNIQUE INDEX runs_one_running ON runs (sync_id) WHERE state = 'running';
CREATE INDEX runs_claimable ON runs (id) WHERE state = 'queued';
CREATE INDEX runs_leases ON runs (lease_expires_at) WHERE state = 'running';
CREATE INDEX runs_by_sync ON runs (sync_id, id);
CREATE INDEX runs_by_batch ON runs (batch_id, id) WHERE batch_id IS NOT NULL;

CREATE TABLE checkpoints (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    PRIMARY KEY (connection_id, key)
);

-- One row per (connection, model full name): the dataset's change sequence. Writers take it under a lock,
-- so cursor order is commit order.
CREATE TABLE datasets (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    live_count BIGINT NOT NULL,
    PRIMARY KEY (connection_id, model)
);

-- A rowid table on purpose: ~1 KB rows in a clustered text key are 2-9x slower (see docs/architecture.md).
CREATE TABLE records (
    id BIGSERIAL PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    external_id TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    seq BIGINT NOT NULL,
    added_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    pruned_at BIGINT,
    run_id BIGINT,
    UNIQUE (connection_id, model, external_id)
);
CREATE INDEX records_by_seq ON records (connection_id, model, seq);

CREATE TABLE idempotency_keys (
    environment_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (environment_id, key)
);
