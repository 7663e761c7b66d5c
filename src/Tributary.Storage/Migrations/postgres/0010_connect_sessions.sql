-- Connect flow (issue 10 item 2). A connect session lets a browser run one auth flow for one environment without
-- the secret key. Only the token's SHA-256 is stored (the token is 32 random bytes: nothing to brute-force, so no
-- slow hash). body holds the session's Nango fields (end_user, organization, allowed_integrations,
-- integrations_config_defaults, tags) as JSON; connection_id and integration_key bind a reconnect session.
CREATE TABLE connect_sessions (
    token_hash TEXT PRIMARY KEY,
    environment_id BIGINT NOT NULL REFERENCES environments(id),
    body TEXT NOT NULL,
    connection_id TEXT,
    integration_key TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX connect_sessions_expiry ON connect_sessions (expires_at);

-- One OAuth redirect in flight: the state's SHA-256 (the state itself travels only through the browser), the PKCE
-- verifier encrypted with the credentials key, and what the callback needs to finish. Taken (deleted) by the
-- callback: single use.
CREATE TABLE oauth_states (
    state_hash TEXT PRIMARY KEY,
    environment_id BIGINT NOT NULL REFERENCES environments(id),
    session_hash TEXT NOT NULL,
    provider_config_key TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    reconnect INTEGER NOT NULL,
    code_verifier BYTEA,
    connection_config TEXT NOT NULL,
    ws_client_id TEXT,
    expires_at BIGINT NOT NULL
);
