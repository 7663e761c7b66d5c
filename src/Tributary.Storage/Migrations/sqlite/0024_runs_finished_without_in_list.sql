-- runs_finished's predicate was `state IN ('succeeded', 'failed', 'cancelled')`. SQLite evaluates an IN list in a
-- partial index's WHERE for every row written to the table — every insert, and every update that sets `state` (old
-- and new row) — by opening a new ephemeral table, inserting the three strings and probing it (EXPLAIN of the
-- trigger's insert: OpenEphemeral, three IdxInsert and a NotFound per row, no Once around them). Queued and running
-- runs never enter the index, yet each paid for it: 14 of the insert's ~100 VM steps per run, about 15 ms of CPU per
-- 10,000-run fan-out (B3). `finished_at IS NOT NULL` holds exactly for the finished states (a run is given
-- finished_at when it ends and keeps none while queued or running), costs one test of the row's column, and an update
-- that leaves finished_at alone (a claim, a heartbeat) no longer touches this index at all. The retention delete
-- keeps its state filter and still finds its rows here: its `finished_at < @before` implies the predicate.
DROP INDEX runs_finished;
CREATE INDEX runs_finished ON runs (finished_at) WHERE finished_at IS NOT NULL;
