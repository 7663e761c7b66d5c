-- PostgreSQL leaves half of each outbox page free so that a claim updates its rows in place (see the PostgreSQL
-- migration of this number). SQLite has no fillfactor and rewrites a row in place anyway: nothing to do here.
SELECT 1;
