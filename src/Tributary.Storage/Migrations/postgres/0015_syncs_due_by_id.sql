-- The scheduler's batch reads due schedules in (next_due_at, id) order, the id breaking ties so that the insert and
-- the advance of one batch pick the same rows. With the index on next_due_at alone, every schedule started at one
-- moment shares one next_due_at: each batch of 1,000 read every tied row and sorted them by id to keep the first
-- 1,000 (a burst of 100,000 schedules read ~5,000,000 index entries in 100 batches). With the id in the index a
-- batch reads its 1,000 rows in order and stops.
DROP INDEX syncs_due;
CREATE INDEX syncs_due ON syncs (next_due_at, id) WHERE schedule_state = 'STARTED';
