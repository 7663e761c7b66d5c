using System.Data.Common;

namespace Tributary.Storage.Sql;

public sealed partial class SqlDialect
{
    /// <summary>
    /// One scheduler batch: <paramref name="insert"/> and then <paramref name="advance"/>, both reading the table
    /// expression <c>due</c> defined by <paramref name="due"/>; the text returns one row per due schedule.
    /// </summary>
    /// <remarks>
    /// PostgreSQL: one data-modifying statement (<c>WITH due AS (…), queued AS (INSERT …) UPDATE …</c>): one snapshot,
    /// one plan, one round trip, where a select, an insert and an update each waited their turn behind the worker's
    /// claims and completions during a burst. SQLite has no data-modifying CTEs: two statements in one command, each
    /// with the same <c>due</c>, which select the same rows inside the exclusive write transaction.
    /// </remarks>
    public string SchedulerBatch(string due, string insert, string advance) => IsPostgres
        ? $"WITH due AS ({due}), queued AS ({insert}) {advance}"
        : $"WITH due AS ({due}) {insert};\nWITH due AS ({due}) {advance}";

    /// <summary>
    /// Whether two write transactions of one process can do useful work at the same time: PostgreSQL's backends run
    /// side by side on both cores (the scheduler splits a batch in two, each half with <see cref="SkipLocked"/>);
    /// SQLite has one writer at a time, so a second transaction would only wait.
    /// </summary>
    public bool WritersRunSideBySide => IsPostgres;

    /// <summary>
    /// Schedules per transaction when a whole integration is started. PostgreSQL: 5,000, so the scheduler queues runs
    /// while the rest are started (one UPDATE of 100,000 syncs wrote 600,000 WAL records and took 3.6 s, every row a
    /// new version in all four indexes). SQLite: all in one, since its one writer gains nothing from chunks and would
    /// take turns with the scheduler's batches through the busy handler's back-off.
    /// </summary>
    public int ScheduleStartChunk => IsPostgres ? 5_000 : int.MaxValue;

    /// <summary>
    /// What the scheduler runs once after a burst to leave the due index clean and its statistics true
    /// (<c>SqlSchedulerUpkeep</c>): <c>VACUUM (ANALYZE) syncs</c> on PostgreSQL; nothing (null) on SQLite, whose update
    /// replaces index entries in place.
    /// </summary>
    public string? TidySchedulesAfterBurstSql => IsPostgres ? "VACUUM (ANALYZE) syncs" : null;

    /// <summary>
    /// The part of a queued-run insert's <c>WHERE</c> that skips a sync with a run queued already, on SQLite a
    /// <c>NOT EXISTS</c> lookup in <c>runs_one_queued</c>. PostgreSQL: nothing here, see <see cref="UnlessQueuedConflict"/>.
    /// </summary>
    public string UnlessQueuedFilter(string syncId) =>
        IsPostgres ? string.Empty : $"AND NOT EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = {syncId} AND q.state = '{SqlStates.Queued}')";

    /// <summary>
    /// PostgreSQL's form of <see cref="UnlessQueuedFilter"/>: the insert's own conflict check on <c>runs_one_queued</c>.
    /// </summary>
    /// <remarks>
    /// The planner turned a <c>NOT EXISTS</c> into an anti-join shaped by the statistics, and statistics taken while no
    /// run was queued made it read the whole queued index once per due schedule (quadratic during a burst); the
    /// conflict check is always a lookup by key, whatever the statistics (<c>QueuePlanTests</c>). SQLite keeps the
    /// <c>NOT EXISTS</c>.
    /// </remarks>
    public string UnlessQueuedConflict => IsPostgres ? $"ON CONFLICT (sync_id) WHERE state = '{SqlStates.Queued}' DO NOTHING" : string.Empty;
}
