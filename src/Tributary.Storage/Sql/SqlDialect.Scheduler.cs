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
}
