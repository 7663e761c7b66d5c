using System.Data.Common;
using System.Text;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// <c>GET /records</c>'s page read (<see cref="Stores.SqlRecordStore.StreamPageAsync"/>): the payload's stored UTF-8
/// bytes in cursor order on both databases; on PostgreSQL from the page pool, planned once per connection and never
/// reset, which is safe only because a page read leaves nothing behind in the session.
/// </summary>
public sealed class RecordsPageReadTests
{
    private const string PageStatement = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%FROM records%ORDER BY seq%'";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task StreamedPages_CarryTheStoredPayloadBytes_InCursorOrder(TestDialect which)
    {
        await using var h = await StoreHarness.CreateAsync(which, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await FillAsync(h, connection.Id, 25);

        var expected = (await h.Records.ReadPageAsync(new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 100), Token)).Records;
        var streamed = new List<(string Id, byte[] Payload, long Seq)>();
        long? after = null;
        for (var page = 0; page < 10; page++)
        {
            var rows = 0;
            await foreach (var row in h.Records.StreamPageAsync(new RecordPageQuery(connection.Id, "Deal", after, null, RecordFilter.None, [], 10), Token))
            {
                streamed.Add((row.ExternalId, row.PayloadUtf8.ToArray(), row.Seq));
                after = row.Seq;
                rows++;
            }

            if (rows <= 10)
            {
                break;
            }

            // The stream hands out the limit's extra row (it tells the writer there is more): the next page starts at the tenth.
            streamed.RemoveAt(streamed.Count - 1);
            after = streamed[^1].Seq;
        }

        Assert.Equal(expected.Select(r => (r.ExternalId, r.Seq)), streamed.Select(r => (r.Id, r.Seq)));
        Assert.All(streamed.Zip(expected), pair => Assert.Equal(Encoding.UTF8.GetBytes(pair.Second.PayloadJson), pair.First.Payload));
    }

    [Fact]
    public void Postgres_PayloadIsReadAsTheTextColumnItself_NotConvertedByTheServer()
    {
        // convert_to(payload, 'UTF8') had PostgreSQL validate and copy every payload into a new bytea (~50 µs a page).
        Assert.Equal("payload", SqlDialect.Postgres.Utf8Bytes("payload"));
        Assert.Equal("CAST(payload AS BLOB)", SqlDialect.Sqlite.Utf8Bytes("payload"));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Postgres_PageQuery_IsPlannedOncePerConnection_NotOnEveryPage()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await FillAsync(h, connection.Id, 30);

        for (long after = 0; after < 24; after += 3)
        {
            await DrainAsync(h, new RecordPageQuery(connection.Id, "Deal", after, null, RecordFilter.None, [], 3));
        }

        // Npgsql prepares it after five uses; PostgreSQL's own choice was a custom plan for every execution, since the
        // generic plan is costed with LIMIT $n taken as a tenth of the rows.
        var (generic, custom) = await PlansOnPagePoolAsync(h.Database.Database);
        Assert.True(generic >= 1, $"generic plans {generic}");
        Assert.Equal(0L, custom);
    }

    [Fact]
    public async Task Sqlite_PageQuery_IsCompiledOncePerNativeConnection_NotOnEveryPage()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Sqlite, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await FillAsync(h, connection.Id, 30);
        var query = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 3) with { Owner = new(h.EnvironmentId, "demo", "c1") };
        for (long after = 0; after < 24; after += 3)
        {
            await DrainAsync(h, query with { AfterSeq = after, Limit = (int)(3 + (after % 2)) });
        }

        // Sequential reads share one pooled native connection; its kept page statement served every page above.
        await using var db = await h.Database.Database.OpenAsync(Token);
        var page = Assert.Single(
            SqliteStatementCache.Of((Microsoft.Data.Sqlite.SqliteConnection)db).KeptStatements,
            s => s.Sql.Contains("FROM records", StringComparison.Ordinal) && s.Sql.Contains("ORDER BY seq", StringComparison.Ordinal));
        Assert.Equal(0, page.Reprepares);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Postgres_PageReads_LeaveNoSessionState_OnTheirUnresetConnection()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await FillAsync(h, connection.Id, 30);
        var query = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.Deleted | RecordFilter.Added, [], 5)
            with { Owner = new(h.EnvironmentId, "demo", "c1") };
        for (var i = 0; i < 7; i++)
        {
            await DrainAsync(h, query with { AfterSeq = i });
        }

        // A reader that stops after one row (a client gone mid-page) leaves its statement's rest unread.
        await foreach (var _ in h.Records.StreamPageAsync(query with { Filter = RecordFilter.None }, Token))
        {
            break;
        }

        var database = h.Database.Database;
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"));
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_listening_channels()"));
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_cursors WHERE name <> ''"));
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_prepared_statements WHERE name NOT LIKE '\\_auto%'"));
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_settings WHERE source = 'session'"));
        Assert.Equal(1L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_settings WHERE name = 'plan_cache_mode' AND setting = 'force_generic_plan' AND source = 'client'"));
        Assert.Equal(0L, await ScalarOnPagePoolAsync(database, "SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() AND state LIKE 'idle in transaction%'"));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Postgres_APageAfterItsIdleConnectionWasEndedByTheServer_IsReadOnANewOne()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await FillAsync(h, connection.Id, 12);
        var query = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 5);
        await DrainAsync(h, query);
        var idle = await ScalarOnPagePoolAsync(h.Database.Database, "SELECT pg_backend_pid()");

        // What a restart of PostgreSQL does to every connection sitting in the page pool meanwhile.
        await using (var db = await h.Database.Database.OpenAsync(Token))
        await using (var terminate = db.Command("SELECT pg_terminate_backend(@pid, 5000)").With("pid", (int)idle))
        {
            Assert.Equal(true, await terminate.ExecuteScalarAsync(Token));
        }

        var rows = new List<string>();
        await foreach (var row in h.Records.StreamPageAsync(query, Token))
        {
            rows.Add(row.ExternalId);
        }

        Assert.Equal(["r01", "r02", "r03", "r04", "r05", "r06"], rows);
    }

    [Theory]
    [Trait("Category", "Postgres")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Postgres_GenericPlanOfAPage_WalksTheSeqIndex_WithOrWithoutStatistics(bool analyzed)
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await PlanTestData.AddPostgresDealsAsync(db, connection.Id, 20_000, Token);

        if (analyzed)
        {
            await PlanTestData.AnalyzeAsync(db, Token);
        }

        // The page query as the page pool runs it: prepared, parameters unknown to the planner.
        var query = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 100) with { Owner = new(h.EnvironmentId, "demo", "c1") };
        await using var command = h.Records.PageCommand(db, query, SqlDialect.Postgres.Utf8Bytes("payload"));
        var sql = command.CommandText;
        var names = command.Parameters.Cast<DbParameter>().Select(p => p.ParameterName.TrimStart('@')).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            sql = System.Text.RegularExpressions.Regex.Replace(sql, $"@{names[i]}\\b", $"${i + 1}");
        }

        var arguments = string.Join(", ", command.Parameters.Cast<DbParameter>().Select(p => p.Value is string s ? $"'{s}'" : Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)));
        await using (var prepare = db.Command($"SET plan_cache_mode = force_generic_plan; PREPARE page AS {sql}"))
        {
            await prepare.ExecuteNonQueryAsync(Token);
        }

        await using var explain = db.Command($"EXPLAIN EXECUTE page({arguments})");
        var plan = string.Join(" / ", await PlanTestData.PlanAsync(explain, Token));

        Assert.Contains("Index Scan using records_by_seq", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
    }

    private static async Task FillAsync(StoreHarness h, long connectionId, int count)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        for (var i = 1; i <= count; i++)
        {
            // Non-ASCII, escapes and a four-byte character: the bytes must come back exactly as stored.
            var payload = $"{{\"id\":\"r{i:00}\",\"name\":\"Zoë \\\"q\\\" ü {i}\",\"e\":\"😀\",\"pad\":\"{new string('x', i * 37)}\"}}";
            await using var insert = db.Command("""
                INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at)
                VALUES (@c, 'Deal', @e, 'h', @p, @s, @s, 0, 0)
                """).With("c", connectionId).With("e", $"r{i:00}").With("p", payload).With("s", (long)i);
            await insert.ExecuteNonQueryAsync(Token);
        }
    }

    private static async Task DrainAsync(StoreHarness h, RecordPageQuery query)
    {
        await foreach (var _ in h.Records.StreamPageAsync(query, Token))
        {
        }
    }

    private static async Task<(long Generic, long Custom)> PlansOnPagePoolAsync(Database database)
    {
        await using var connection = await database.OpenPageReadAsync(Token);
        await using var command = connection.Command(PageStatement);
        await using var reader = await command.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token), "the page query is not prepared on the page pool's connection");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Runs <paramref name="sql"/> on a page-pool connection (the one the reads used: the pool is idle).</summary>
    private static async Task<long> ScalarOnPagePoolAsync(Database database, string sql)
    {
        await using var connection = await database.OpenPageReadAsync(Token);
        await using var command = connection.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }
}
