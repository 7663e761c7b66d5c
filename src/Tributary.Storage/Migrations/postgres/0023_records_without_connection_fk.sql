-- A records batch inserted 1,000 rows and PostgreSQL checked the foreign key to connections once per row: a
-- `SELECT 1 FROM connections … FOR KEY SHARE` run by a trigger for every inserted record. EXPLAIN (ANALYZE) of the
-- upsert of 1,000 fresh ~1 KB records from the staging table on the medium benchmark's database: the constraint's
-- trigger took 4.1–4.4 ms of a 14–19 ms statement, the largest single item, and the minimal upsert it is compared
-- with checks nothing. The key added nothing that holds only through it:
-- - a record is written only by a fenced batch, whose run row is locked (`FOR NO KEY UPDATE`) for the whole batch;
--   the run belongs to a sync of the record's connection, and `syncs.connection_id` keeps its foreign key;
-- - deleting a connection (`Stores/ConnectionCascade.cs`, also behind deleting an integration) cancels the
--   connection's running runs first and then deletes its records explicitly, in one transaction: a batch in flight
--   either commits before the cancel (its rows are then deleted) or finds its lease gone and writes nothing.
-- Dropping a foreign key takes a short lock on both tables and reads no row. SQLite keeps its key (its check is an
-- index probe inside the same library call, not a statement per row).
DO $$
DECLARE
    name TEXT;
BEGIN
    FOR name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'records'::regclass AND confrelid = 'connections'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE records DROP CONSTRAINT %I', name);
    END LOOP;
END
$$;
