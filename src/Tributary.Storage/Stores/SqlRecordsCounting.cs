using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Set-based dataset counts: <c>GET /sync/status</c> reads every sync's counts in one statement.</summary>
internal sealed partial class SqlRecordStore
{
    public async Task<IReadOnlyDictionary<(long ConnectionDbId, string Model), long>> CountLiveManyAsync(
        IReadOnlyList<long> connectionDbIds,
        IReadOnlyList<string> models,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionDbIds);
        ArgumentNullException.ThrowIfNull(models);
        var counts = new Dictionary<(long, string), long>();
        if (connectionDbIds.Count == 0 || models.Count == 0)
        {
            return counts;
        }

        // The cross product of the two lists is a superset of the pairs asked for; the caller picks its own.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT connection_id, model, live_count FROM datasets
            WHERE {_database.Dialect.InList("connection_id", "connections")} AND {_database.Dialect.InList("model", "models")}
            """).WithList(_database.Dialect, "connections", connectionDbIds).WithList(_database.Dialect, "models", models);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetInt64(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return counts;
    }
}
