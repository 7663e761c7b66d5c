-- API keys: which key came from TRIBUTARY_SECRET_KEY. A start with another configured key revokes the previous
-- configured key of its environment (rotation), and a restart never un-revokes a key. Keys made by `keys create`
-- and the data folder's generated key are 0 and never touched by rotation. Before this column a configured key
-- was named after the variable: those rows are the configured ones (the next start retires all but the current).
ALTER TABLE api_keys ADD COLUMN configured INTEGER NOT NULL DEFAULT 0;
UPDATE api_keys SET configured = 1 WHERE name = 'TRIBUTARY_SECRET_KEY';

-- The credentials encryption key this database was written with, as a check value (an HMAC of a fixed text under
-- the key: it proves a key without revealing it) and a short key id (carried by every ciphertext). The current key
-- is the one row with retired_at NULL; a start with a key whose check differs refuses to run.
CREATE TABLE encryption_keys (
    key_id TEXT PRIMARY KEY,
    key_check TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE UNIQUE INDEX encryption_keys_one_current ON encryption_keys ((1)) WHERE retired_at IS NULL;
