using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Set-based checkpoint reads: <c>GET /sync/status</c> reads every sync's checkpoint in one statement.</summary>
internal sealed partial class SqlCheckpointStore
{
    public async Task<IReadOnlyDictionary<(long ConnectionDbId, string Key), StoredCheckpoint>> GetManyAsync(
        IReadOnlyList<long> connectionDbIds,
        IReadOnlyList<string> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionDbIds);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<(long, string), StoredCheckpoint>();
        if (connectionDbIds.Count == 0 || keys.Count == 0)
        {
            return found;
        }

        // The cross product of the two lists is a superset of the pairs asked for; the caller picks its own.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT connection_id, key, value, version, deleted_at FROM checkpoints
            WHERE {_database.Dialect.InList("connection_id", "connections")} AND {_database.Dialect.InList("key", "keys")}
            """).WithList(_database.Dialect, "connections", connectionDbIds).WithList(_database.Dialect, "keys", keys);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var value = reader.IsDBNull(4) ? JsonNode.Parse(reader.GetString(2)) as JsonObject : null;
            found[(reader.GetInt64(0), reader.GetString(1))] = new StoredCheckpoint(value, reader.GetInt64(3));
        }

        return found;
    }
}
