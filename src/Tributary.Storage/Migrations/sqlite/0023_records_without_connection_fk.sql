-- PostgreSQL drops the records' foreign key to connections (see the PostgreSQL migration of this number: a checking
-- statement per inserted row). SQLite checks it by an index probe within the insert and dropping it would mean
-- rebuilding the table: nothing to do here.
SELECT 1;
