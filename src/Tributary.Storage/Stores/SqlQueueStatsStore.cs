using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The queue gauges' one read; see <see cref="IQueueStatsStore"/>.</summary>
/// <remarks>Queued and running runs are few next to finished ones; the state filter keeps the read to them.</remarks>
internal sealed class SqlQueueStatsStore : IQueueStatsStore
{
    private const string StatsSql = $"""
        SELECT state, COUNT(*), MIN(queued_at) FROM runs
        WHERE state IN ('{SqlStates.Queued}', '{SqlStates.Running}')
        GROUP BY state
        """;

    private readonly Database _database;

    public SqlQueueStatsStore(Database database)
    {
        _database = database;
    }

    public async Task<QueueStats> GetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(StatsSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long queued = 0, running = 0;
        long? oldest = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) == SqlStates.Queued)
            {
                queued = reader.GetInt64(1);
                oldest = reader.GetNullableInt64(2);
            }
            else
            {
                running = reader.GetInt64(1);
            }
        }

        return new QueueStats(queued, running, oldest);
    }
}
