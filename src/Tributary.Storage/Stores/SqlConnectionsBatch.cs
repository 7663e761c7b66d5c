using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Set-based connection reads and writes: a page of the list, many connections' metadata in one statement.</summary>
internal sealed partial class SqlConnectionStore
{
    public async Task<ConnectionPage> ListPageAsync(long environmentId, ConnectionListFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var conditions = new List<string> { "c.environment_id = @env" };
        if (filter.ConnectionId is not null)
        {
            conditions.Add("c.connection_id = @cid");
        }

        if (filter.ProviderConfigKeys is not null)
        {
            conditions.Add(_database.Dialect.InList("i.unique_key", "keys"));
        }

        if (filter.AfterId is not null)
        {
            conditions.Add("c.id > @after");
        }

        // Keyset paging on the primary key: stable under inserts and deletes, one index range per page.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.ConnectionColumns}
            WHERE {string.Join(" AND ", conditions)}
            ORDER BY c.id
            {_database.Dialect.Limit("limit")}
            """).With("env", environmentId).With("limit", (long)filter.Limit + 1);
        if (filter.ConnectionId is { } connectionId)
        {
            command.With("cid", connectionId);
        }

        if (filter.ProviderConfigKeys is { } keys)
        {
            command.WithList(_database.Dialect, "keys", keys);
        }

        if (filter.AfterId is { } after)
        {
            command.With("after", after);
        }

        var rows = await SqlRows.ReadAllAsync(command, SqlRows.Connection, cancellationToken);
        return rows.Count > filter.Limit ? new ConnectionPage([.. rows.Take(filter.Limit)], true) : new ConnectionPage(rows, false);
    }

    public async Task<IReadOnlyList<Connection>> GetManyAsync(long environmentId, IReadOnlyList<string> connectionIds, string providerConfigKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        if (connectionIds.Count == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.ConnectionColumns}
            WHERE c.environment_id = @env AND i.unique_key = @pck AND {_database.Dialect.InList("c.connection_id", "ids")}
            """).With("env", environmentId).With("pck", providerConfigKey).WithList(_database.Dialect, "ids", connectionIds);
        return await SqlRows.ReadAllAsync(command, SqlRows.Connection, cancellationToken);
    }

    public async Task UpdateMetadataManyAsync(IReadOnlyList<MetadataWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return;
        }

        // Two parallel lists joined by position: every connection gets its own document in one statement.
        var sql = $"""
            UPDATE connections SET metadata = u.documents, updated_at = @now
            FROM {_database.Dialect.PairedListRows("ids", "documents", "u")}
            WHERE connections.id = u.ids
            """;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command(sql)
            .With("now", Micros.Now(_timeProvider))
            .WithList(_database.Dialect, "ids", writes.Select(w => w.ConnectionDbId).ToList())
            .WithList(_database.Dialect, "documents", writes.Select(w => w.MetadataJson).ToList());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
