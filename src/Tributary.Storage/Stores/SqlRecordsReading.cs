using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The records cache's reads: keyset pages in cursor order, payloads for merges, counts, positions.</summary>
internal sealed partial class SqlRecordStore
{
    public async Task<RecordPage> ReadPageAsync(RecordPageQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<StoredRecord>(Math.Min(query.Limit + 1, 1024));
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = PageCommand(connection, query, "payload");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var externalId = reader.GetString(0);
            rows.Add(new StoredRecord(
                externalId,
                Unprotect(reader.GetString(1), query.ConnectionDbId, query.Model, externalId),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetNullableInt64(6),
                reader.GetNullableInt64(7)));
        }

        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new RecordPage(rows, hasMore);
    }

    /// <remarks>
    /// The hot path of <c>GET /records</c>: the payload comes as bytes and is copied into one pooled buffer that every
    /// row reuses — no UTF-16 string, no transcoding, no allocation per row beyond the external id. On SQLite the page
    /// is read on a statement kept prepared on its native connection (<see cref="SqliteStatementCache"/>); an <c>ids</c> filter (a JSON list parameter)
    /// and PostgreSQL go through the command, the payload as <see cref="SqlDialect.Utf8Bytes"/>; PostgreSQL's pages come
    /// from the page pool (<see cref="Database.OpenPageReadAsync"/>: planned once per connection, no reset). An encrypted payload
    /// (or any that is not plain JSON) takes the string path.
    /// </remarks>
    public IAsyncEnumerable<RecordPageRow> StreamPageAsync(RecordPageQuery query, CancellationToken cancellationToken) =>
        _dialect.ReadsPagesOnNativeStatement && query.Ids.Count == 0
            ? StreamOnSqliteAsync(query, cancellationToken)
            : StreamWithCommandAsync(query, cancellationToken);

    private async IAsyncEnumerable<RecordPageRow> StreamWithCommandAsync(RecordPageQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var page = await ExecutePageAsync(query, cancellationToken);
        var reader = page.Reader;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var externalId = reader.GetString(0);
                var length = (int)reader.GetBytes(1, 0, null, 0, 0);
                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                var read = length == 0 ? 0 : (int)reader.GetBytes(1, 0, buffer, 0, length);
                yield return new RecordPageRow(
                    externalId,
                    Plain(buffer, read, query, externalId),
                    reader.GetInt64(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    reader.GetNullableInt64(6),
                    reader.GetNullableInt64(7));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Runs the page query, once more on a new connection when the pooled one turns out closed by the server (a restart
    /// or an administrator ended its session while it sat idle): no row was read yet, so the client cannot tell.
    /// </summary>
    /// <remarks>
    /// The records-page pool's connections sit idle while other pools meet the outage (Npgsql clears a pool whose
    /// connection broke, so the next open is new), and a page read was the first to find a stale one: a
    /// <c>GET /records</c> answered 500 right after PostgreSQL came back. One retry is enough: the broken connection
    /// cleared its pool.
    /// </remarks>
    private async Task<ExecutedPage> ExecutePageAsync(RecordPageQuery query, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A page with an ids list keeps custom plans: the planner should see the list (Database.OpenPageReadAsync).
            var connection = query.Ids.Count == 0
                ? await _database.OpenPageReadAsync(cancellationToken)
                : await _database.OpenAsync(cancellationToken);
            DbCommand? command = null;
            try
            {
                command = PageCommand(connection, query, _dialect.Utf8Bytes("payload"));
                var reader = await command.ExecuteReaderAsync(cancellationToken);
                return new ExecutedPage(connection, command, reader);
            }
            catch (DbException) when (attempt == 1 && connection.State != System.Data.ConnectionState.Open && !cancellationToken.IsCancellationRequested)
            {
                await DisposeAsync(command, connection);
            }
            catch
            {
                await DisposeAsync(command, connection);
                throw;
            }
        }

        static async Task DisposeAsync(DbCommand? command, DbConnection connection)
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }

    /// <summary>A page query's reader with the command and connection it holds, disposed reader first.</summary>
    private sealed record ExecutedPage(DbConnection Connection, DbCommand Command, DbDataReader Reader) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Reader.DisposeAsync();
            await Command.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private async IAsyncEnumerable<RecordPageRow> StreamOnSqliteAsync(RecordPageQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var statement = SqliteStatementCache.Rent((SqliteConnection)connection, PageSql(query, "payload"));
        statement.Bind("c", query.ConnectionDbId).Bind("m", query.Model).Bind("limit", (long)query.Limit + 1);
        statement.Bind("after", query.AfterSeq ?? NoCursor);

        if (query.ModifiedAfter is { } modified)
        {
            statement.Bind("modified", modified);
        }

        if (query.Owner is { } owner)
        {
            statement.Bind("env", owner.EnvironmentId).Bind("pck", owner.ProviderConfigKey).Bind("cid", owner.ConnectionId);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (statement.Step())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = statement.GetSpan(1);
                if (stored.Length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(stored.Length);
                }

                stored.CopyTo(buffer);
                var externalId = statement.GetNotNullString(0);
                yield return new RecordPageRow(
                    externalId,
                    Plain(buffer, stored.Length, query, externalId),
                    statement.GetNotNullInt64(2),
                    statement.GetNotNullInt64(3),
                    statement.GetNotNullInt64(4),
                    statement.GetNotNullInt64(5),
                    statement.GetNullableInt64(6),
                    statement.GetNullableInt64(7));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The stored payload's JSON as UTF-8: the buffer itself, unless it is encrypted (or otherwise not plain JSON).</summary>
    private ReadOnlyMemory<byte> Plain(byte[] buffer, int length, RecordPageQuery query, string externalId) =>
        length > 0 && (_cipher is not null || buffer[0] != (byte)'{')
            ? Encoding.UTF8.GetBytes(Unprotect(Encoding.UTF8.GetString(buffer, 0, length), query.ConnectionDbId, query.Model, externalId))
            : buffer.AsMemory(0, length);

    /// <summary>The keyset query of a records page, reading the payload as <paramref name="payload"/>.</summary>
    internal DbCommand PageCommand(DbConnection connection, RecordPageQuery query, string payload)
    {
        var command = connection.Command(PageSql(query, payload))
            .With("c", query.ConnectionDbId)
            .With("m", query.Model)
            .With("limit", (long)query.Limit + 1);
        command.With("after", query.AfterSeq ?? NoCursor);

        if (query.ModifiedAfter is { } modified)
        {
            command.With("modified", modified);
        }

        if (query.Ids.Count > 0)
        {
            command.WithList(_dialect, "ids", query.Ids);
        }

        if (query.Owner is { } owner)
        {
            command.With("env", owner.EnvironmentId).With("pck", owner.ProviderConfigKey).With("cid", owner.ConnectionId);
        }

        return command;
    }

    /// <summary>The position before the first record: positions start at 1.</summary>
    private const long NoCursor = 0;

    /// <summary>
    /// The keyset query's text for <paramref name="query"/>'s shape, built once per shape: the same string object each time,
    /// so SQLite's statement cache finds its prepared statement by reference (a page's compilation was a third of the
    /// server's CPU for a small page) and no request builds the text again.
    /// </summary>
    private string PageSql(RecordPageQuery query, string payload) =>
        _pageSql.GetOrAdd(
            new PageShape(query.Owner is not null, query.ModifiedAfter is not null, query.Filter, query.Ids.Count > 0, payload),
            static (_, state) => state.Store.BuildPageSql(state.Query, state.Payload),
            (Store: this, Query: query, Payload: payload));

    /// <summary>What the keyset query's text depends on; a handful of shapes (filters, owner check, ids, payload form).</summary>
    private readonly record struct PageShape(bool Owner, bool Modified, RecordFilter Filter, bool Ids, string Payload);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<PageShape, string> _pageSql = new();

    /// <summary>The keyset query's text: parameters @c, @m, @limit, @after, and @modified, @ids, @env/@pck/@cid when the query has them.</summary>
    private string BuildPageSql(RecordPageQuery query, string payload)
    {
        var conditions = new List<string> { "connection_id = @c", "model = @m" };
        if (query.Owner is not null)
        {
            // Not correlated with the row: both databases check it once per statement, by primary and unique keys.
            conditions.Add("""
                EXISTS (SELECT 1 FROM connections oc JOIN integrations oi ON oi.id = oc.integration_id
                WHERE oc.id = @c AND oc.environment_id = @env AND oc.connection_id = @cid AND oi.unique_key = @pck)
                """);
        }

        // Always a range on seq, also for a first page (after 0: positions start at 1). Without it, PostgreSQL plans a first
        // page of a dataset it has no statistics for yet (right after a large ingest, before autovacuum's ANALYZE) as
        // "the few rows of this connection and model, sorted": a bitmap scan of every row and a sort, 123 ms for 100,000
        // rows against 0.2 ms by the seq index; 64 readers starting at once then held the pool for seconds.
        conditions.Add("seq > @after");

        if (query.ModifiedAfter is not null)
        {
            conditions.Add("updated_at >= @modified");
        }

        if (query.Filter != RecordFilter.None)
        {
            // Our fix: combined filters are the union of the actions (Nango drops deleted rows from
            // `updated,deleted` and `added,deleted`).
            var any = new List<string>();
            if (query.Filter.HasFlag(RecordFilter.Added))
            {
                any.Add("(deleted_at IS NULL AND added_seq = seq)");
            }

            if (query.Filter.HasFlag(RecordFilter.Updated))
            {
                any.Add("(deleted_at IS NULL AND added_seq <> seq)");
            }

            if (query.Filter.HasFlag(RecordFilter.Deleted))
            {
                any.Add("deleted_at IS NOT NULL");
            }

            conditions.Add("(" + string.Join(" OR ", any) + ")");
        }

        if (query.Ids.Count > 0)
        {
            conditions.Add(_dialect.InList("external_id", "ids"));
        }

        return $"""
            SELECT external_id, {payload}, seq, added_seq, created_at, updated_at, deleted_at, pruned_at FROM records
            WHERE {string.Join(" AND ", conditions)}
            ORDER BY seq
            {_dialect.Limit("limit")}
            """;
    }

    public async Task<IReadOnlyDictionary<string, LivePayload>> GetLivePayloadsAsync(long connectionDbId, string model, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, LivePayload>(StringComparer.Ordinal);
        if (externalIds.Count == 0)
        {
            return result;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT external_id, payload, data_hash, pruned_at FROM records
            WHERE connection_id = @c AND model = @m AND deleted_at IS NULL AND {_dialect.InList("external_id", "ids")}
            """).With("c", connectionDbId).With("m", model).WithList(_dialect, "ids", externalIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var externalId = reader.GetString(0);
            var payload = reader.IsDBNull(3) ? Unprotect(reader.GetString(1), connectionDbId, model, externalId) : null;
            result[externalId] = new LivePayload(payload, reader.GetString(2));
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountLiveAsync(long connectionDbId, IReadOnlyList<string> models, CancellationToken cancellationToken)
    {
        var counts = models.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        if (models.Count == 0)
        {
            return counts;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT model, live_count FROM datasets WHERE connection_id = @c AND {_dialect.InList("model", "models")}")
            .With("c", connectionDbId).WithList(_dialect, "models", models);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<long> GetLastSeqAsync(long connectionDbId, string model, CancellationToken cancellationToken)
    {
        // A writer holding the dataset row has not committed its block yet, so the committed value is the boundary.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT last_seq FROM datasets WHERE connection_id = @c AND model = @m")
            .With("c", connectionDbId).With("m", model);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
