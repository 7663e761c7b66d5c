using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The scheduler's upkeep on SQLite and PostgreSQL; see <see cref="ISchedulerUpkeep"/>.</summary>
internal sealed class SqlSchedulerUpkeep : ISchedulerUpkeep
{
    private readonly Database _database;

    public SqlSchedulerUpkeep(Database database)
    {
        _database = database;
    }

    /// <remarks>
    /// <para>
    /// PostgreSQL: <c>VACUUM (ANALYZE) syncs</c>. Every schedule a burst advanced left its old version behind, and
    /// the due index still points at it (the advance changes the indexed <c>next_due_at</c>, so it is never a HOT
    /// update): 100,000 dead entries in front of the live ones, which every idle tick walked and checked against the
    /// table until autovacuum came by (up to a minute later, longer on a busy database). The statistics also
    /// still described the schedules as due. Vacuuming the one table the burst rewrote costs a fraction of the
    /// burst and runs after the worker was released; it blocks no reader or writer.
    /// </para>
    /// <para>
    /// SQLite: nothing. An update replaces its index entries in place; there is nothing dead to walk.
    /// </para>
    /// </remarks>
    public async Task AfterBurstAsync(CancellationToken cancellationToken)
    {
        if (_database.Dialect.TidySchedulesAfterBurstSql is not { } tidy)
        {
            return;
        }

        // VACUUM cannot run inside a transaction: a plain connection, no write slot (it blocks no writer).
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var vacuum = connection.Command(tidy);
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }
}
