-- Providers and token refresh (issue 10). An integration carries its OAuth client: the id in clear, the secret
-- encrypted with the credentials key (the same CredentialProtector as a connection's credentials), the scopes
-- comma-separated as Nango stores them.
ALTER TABLE integrations ADD COLUMN oauth_client_id TEXT;
ALTER TABLE integrations ADD COLUMN oauth_client_secret BYTEA;
ALTER TABLE integrations ADD COLUMN oauth_scopes TEXT;

-- A connection's connection_config (interpolation inputs such as a subdomain), its credentials' expiry (unix
-- microseconds, null when the token has none: such a token is never refreshed by itself), the refresh lease that
-- makes one process at a time call the token endpoint, and Nango's refresh bookkeeping.
ALTER TABLE connections ADD COLUMN connection_config TEXT NOT NULL DEFAULT '{}';
ALTER TABLE connections ADD COLUMN credentials_expires_at BIGINT;
ALTER TABLE connections ADD COLUMN refresh_lease_owner TEXT;
ALTER TABLE connections ADD COLUMN refresh_lease_until BIGINT;
ALTER TABLE connections ADD COLUMN last_refresh_success BIGINT;
ALTER TABLE connections ADD COLUMN last_refresh_failure BIGINT;
ALTER TABLE connections ADD COLUMN refresh_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN refresh_error TEXT;
CREATE INDEX connections_expiring ON connections (credentials_expires_at) WHERE credentials_expires_at IS NOT NULL;
