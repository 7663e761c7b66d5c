-- Attempts and progress. progress counts the fenced writes (record batches, checkpoint saves, the empty-cache
-- step) committed by the run's current attempt; a claim resets it. stalled_attempts counts the attempts in a row
-- that ended without any (crashed, lease expired): only those count toward the poison limit, so a long run on a
-- host that crashes now and then finishes, while a function that crashes before its first write still stops.
ALTER TABLE runs ADD COLUMN progress INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN stalled_attempts INTEGER NOT NULL DEFAULT 0;
