namespace Tributary.Storage.Sql;

/// <summary>
/// The named keys of PostgreSQL's advisory locks (SQLite needs none: its write transaction is the database-wide
/// lock). The values are what the lock table records, so they never change; a new lock takes the next number.
/// </summary>
public enum AdvisoryLock : long
{
    /// <summary>Guards applying migrations: processes starting together migrate once, the others wait for it.</summary>
    Migrations = 7_261_040_001,

    /// <summary>Guards the scheduler's tick: one process at a time turns due schedules into runs; the others skip the tick.</summary>
    Scheduler = 7_261_040_002,

    /// <summary>Guards the runs retention pass: one process at a time deletes expired runs; the others skip the pass.</summary>
    RunsRetention = 7_261_040_003,
}
