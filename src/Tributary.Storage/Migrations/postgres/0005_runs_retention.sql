-- Runs retention deletes the oldest finished runs in batches; this index finds them without scanning the table.
CREATE INDEX runs_finished ON runs (finished_at) WHERE state IN ('succeeded', 'failed', 'cancelled');
