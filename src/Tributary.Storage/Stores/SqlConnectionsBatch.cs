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
        var dialect = _database.Dialect;
        var conditions = new List<string> { "c.environment_id = @env" };
        var parameters = new List<(string Name, object Value)>();
        void Where(string condition, string name, object value)
        {
            conditions.Add(condition);
            parameters.Add((name, value));
        }

        if (filter.ConnectionId is { } connectionId)
        {
            Where("c.connection_id = @cid", "cid", connectionId);
        }

        if (filter.AfterId is { } after)
        {
            Where("c.id < @after", "after", after);
        }

        // Nango's search: part of the connection id, the end user's display name or email, in any case; its
        // wildcards are not escaped there either.
        if (filter.Search is { } search)
        {
            var like = dialect.CaseInsensitiveLike;
            Where(
                $"(c.connection_id {like} @search OR {dialect.JsonText("c.end_user", "display_name")} {like} @search OR {dialect.JsonText("c.end_user", "email")} {like} @search)",
                "search",
                $"%{search}%");
        }

        if (filter.EndUserId is { } endUserId)
        {
            Where($"{dialect.JsonText("c.end_user", "id")} = @end_user", "end_user", endUserId);
        }

        if (filter.EndUserOrganizationId is { } organizationId)
        {
            Where($"{dialect.JsonText("c.end_user", "organization", "id")} = @organization", "organization", organizationId);
        }

        var tagIndex = 0;
        foreach (var (key, value) in filter.Tags ?? new Dictionary<string, string>())
        {
            conditions.Add($"{dialect.JsonMemberText("c.tags", $"tag_key{tagIndex}")} = @tag_value{tagIndex}");
            parameters.Add(($"tag_key{tagIndex}", key));
            parameters.Add(($"tag_value{tagIndex}", value));
            tagIndex++;
        }

        if (filter.ProviderConfigKeys is not null)
        {
            conditions.Add(dialect.InList("i.unique_key", "keys"));
        }

        // Newest first, as Nango lists them. Keyset paging on the primary key (ours): stable under inserts and
        // deletes, one index range per page; Nango's page number skips rows instead.
        var offset = filter.Page is { } page ? (long)page * filter.Limit : 0;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.ConnectionColumns}
            WHERE {string.Join(" AND ", conditions)}
            ORDER BY c.id DESC
            {dialect.Limit("limit")} OFFSET @offset
            """).With("env", environmentId).With("limit", (long)filter.Limit + 1).With("offset", offset);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        if (filter.ProviderConfigKeys is { } keys)
        {
            command.WithList(dialect, "keys", keys);
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
