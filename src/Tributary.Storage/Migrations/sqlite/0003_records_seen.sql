-- Deletion detection by generation: the id of the last run that saved the record, changed or not. Written with
-- every content write, and for unchanged records only while a deletion-detection window is open, so the
-- ordinary unchanged save stays write-free. Run ids are monotonic, so "seen since run G" is seen_run >= G.
-- Existing rows start at 0: no window can be open before this column exists.
ALTER TABLE records ADD COLUMN seen_run INTEGER NOT NULL DEFAULT 0;
