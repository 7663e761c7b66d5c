-- Run logs: engine events, the function's own log lines and one line per provider HTTP call, per run.
-- No foreign key to runs: a run's deletion must not wait for its log lines (runs retention deletes 1,000 runs per
-- transaction); the log retention pass removes lines by age, and the API reads lines only of runs it can see.
-- size is the message's UTF-8 length, so a resumed attempt can read how much of the run's cap is used.
CREATE TABLE run_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    level TEXT NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX run_logs_by_run ON run_logs (run_id, id);
CREATE INDEX run_logs_by_age ON run_logs (at);
