using Microsoft.Data.Sqlite;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Tests;

/// <summary>The hot statements kept prepared per native SQLite connection (<see cref="SqliteStatementCache"/>).</summary>
public sealed class SqliteStatementCacheTests : IAsyncLifetime
{
    private const string ReadSql = "SELECT k, n, b FROM t WHERE k = @k";

    private Database _database = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = Database.Sqlite(Path.Combine(Directory.CreateTempSubdirectory("tributary-hot-").FullName, "hot.db"));
        await using var connection = await _database.OpenAsync(Token);
        await using var create = connection.Command("""
            CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, b BLOB);
            INSERT INTO t VALUES ('a', 1, x'0102'), ('b', NULL, x'');
            """);
        await create.ExecuteNonQueryAsync(Token);
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AHotRead_IsPreparedOncePerNativeConnection_AcrossOpens_AndSeesWhatWasWrittenMeanwhile()
    {
        // Another native connection stays open for the writes, so the reads below share one pooled connection.
        await using var writer = await _database.OpenAsync(Token);
        for (var i = 0; i < 5; i++)
        {
            await using (var update = writer.Command("UPDATE t SET n = @n WHERE k = 'a'").With("n", 10L + i))
            {
                await update.ExecuteNonQueryAsync(Token);
            }

            await using var connection = await _database.OpenAsync(Token);
            var rows = await ReadAsync(connection, "a");
            Assert.Equal(("a", 10L + i, "0102"), Assert.Single(rows));
            Assert.Empty(await ReadAsync(connection, "missing"));
            var cache = SqliteStatementCache.Of((SqliteConnection)connection);
            Assert.Equal(1, cache.Preparations);
            Assert.Equal(1, cache.Kept);
        }
    }

    [Fact]
    public async Task ABoundLimit_WrittenByTheDialect_IsCompiledOnce_WhileABareOneIsCompiledAgainOnEveryUse()
    {
        await using var connection = await _database.OpenAsync(Token);
        var sqlite = (SqliteConnection)connection;
        var dialect = _database.Dialect;

        // SQLite plans with a bare LIMIT parameter's value, so binding it (or clearing the bindings) discards the plan:
        // each of the four uses compiled it again, the first one too (prepared, then bound).
        Assert.Equal(4, ReadLimited(sqlite, "SELECT k FROM t ORDER BY k LIMIT @n"));
        Assert.Equal(0, ReadLimited(sqlite, $"SELECT k FROM t ORDER BY k {dialect.Limit("n")}"));
    }

    /// <summary>Reads the table four times with limits 1, 2, 1, 2 through one kept statement: how often SQLite compiled it again.</summary>
    private static int ReadLimited(SqliteConnection connection, string sql)
    {
        SqliteCachedStatement? kept = null;
        foreach (var limit in new long[] { 1, 2, 1, 2 })
        {
            using var statement = SqliteStatementCache.Rent(connection, sql).Bind("n", limit);
            var rows = 0;
            while (statement.Step())
            {
                rows++;
            }

            Assert.Equal(limit, rows);
            Assert.True(kept is null || ReferenceEquals(kept, statement), "the cache lent another statement");
            kept = statement;
        }

        return kept!.Reprepares;
    }

    [Fact]
    public async Task NullsAndEmptyBlobs_ReadAsTheDataReaderReadsThem_AndANonNullableGetterThrowsOnNull()
    {
        await using var connection = await _database.OpenAsync(Token);
        var row = Assert.Single(await ReadAsync(connection, "b"));
        Assert.Equal(("b", (long?)null, ""), row);

        using var statement = SqliteStatementCache.Rent((SqliteConnection)connection, ReadSql).Bind("k", "b");
        Assert.True(statement.Step());
        Assert.Throws<InvalidOperationException>(() => statement.GetInt64(1));
        Assert.Null(statement.GetNullableString(1));
    }

    [Fact]
    public async Task AStatementLentOut_IsNotLentAgain_ANestedUseGetsAOneOffThatIsFinalizedAfterward()
    {
        await using var connection = await _database.OpenAsync(Token);
        var sqlite = (SqliteConnection)connection;
        SqliteCachedStatement inner;
        using (var outer = SqliteStatementCache.Rent(sqlite, ReadSql).Bind("k", "a"))
        {
            Assert.True(outer.Step());
            using (inner = SqliteStatementCache.Rent(sqlite, ReadSql).Bind("k", "b"))
            {
                Assert.NotSame(outer, inner);
                Assert.True(inner.Step());
                Assert.Equal("b", inner.GetString(0));
            }

            // The outer read is where it was: the nested one ran on a statement of its own.
            Assert.Equal("a", outer.GetString(0));
            Assert.Equal(1L, outer.GetInt64(1));
            Assert.False(outer.Step());
        }

        var cache = SqliteStatementCache.Of(sqlite);
        Assert.True(inner.IsFinalized);
        Assert.Equal(2, cache.Preparations);
        Assert.Equal(1, cache.Kept);
        Assert.Equal(("a", 1L, "0102"), Assert.Single(await ReadAsync(connection, "a")));
        Assert.Equal(2, cache.Preparations);
    }

    [Fact]
    public async Task KeptStatements_GoWithTheirNativeConnection_AndArePreparedAgainOnTheNextOne()
    {
        SqliteCachedStatement kept;
        await using (var connection = await _database.OpenAsync(Token))
        {
            await ReadAsync(connection, "a");
            using (kept = SqliteStatementCache.Rent((SqliteConnection)connection, ReadSql))
            {
            }

            Assert.False(kept.IsFinalized);

            // This database's pool is cleared: its native connection is released when this open closes.
            SqliteConnection.ClearPool((SqliteConnection)connection);
        }

        // Released by the pool, the native connection stays open until its statements are finalized: the next new
        // native connection's cache does it (another test's may have done it already).
        await using var next = await _database.OpenAsync(Token);
        Assert.Equal(("a", 1L, "0102"), Assert.Single(await ReadAsync(next, "a")));
        Assert.True(kept.IsFinalized);
        var cache = SqliteStatementCache.Of((SqliteConnection)next);
        Assert.Equal(1, cache.Preparations);
        using var again = SqliteStatementCache.Rent((SqliteConnection)next, ReadSql);
        Assert.NotSame(kept, again);
    }

    [Fact]
    public async Task TheCacheKeepsAtMostItsCapacity_FurtherStatementsRunAsOneOffs()
    {
        await using var connection = await _database.OpenAsync(Token);
        var sqlite = (SqliteConnection)connection;
        for (var i = 0; i < SqliteStatementCache.Capacity + 3; i++)
        {
            using var statement = SqliteStatementCache.Rent(sqlite, $"SELECT {i}");
            Assert.True(statement.Step());
            Assert.Equal(i, statement.GetInt64(0));
        }

        Assert.Equal(SqliteStatementCache.Capacity, SqliteStatementCache.Of(sqlite).Kept);
    }

    [Fact]
    public async Task ARunsAndATriggersReads_ArePreparedOncePerNativeConnection_WhateverHowOftenTheyRun()
    {
        await using var h = await StoreHarness.CreateAsync(Tributary.Testing.TestDialect.Sqlite, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);

        // One native connection from here on: the reads below run one after another on it.
        await using (var first = await h.Database.Database.OpenAsync(Token))
        {
            SqliteConnection.ClearPool((SqliteConnection)first);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(sync.Id, (await h.Syncs.GetSyncTargetAsync(sync.Id, Token))!.Sync.Id);
            Assert.Equal(h.IntegrationId, (await h.Integrations.GetAsync(h.EnvironmentId, "demo", Token))!.Id);
            Assert.Equal(connection.Id, (await h.Connections.GetAsync(h.EnvironmentId, "c1", null, Token))!.Id);
            Assert.Equal(connection.Id, (await h.Connections.GetAsync(h.EnvironmentId, "c1", "demo", Token))!.Id);
            Assert.Contains(sync.Id, (await h.Syncs.GetSyncsAsync(connection.Id, Token)).Select(s => s.Id));
        }

        await using var open = await h.Database.Database.OpenAsync(Token);
        var cache = SqliteStatementCache.Of((SqliteConnection)open);
        Assert.Equal(4, cache.Kept);
        Assert.Equal(4, cache.Preparations);
    }

    private static Task<List<(string, long?, string)>> ReadAsync(System.Data.Common.DbConnection connection, string key) =>
        SqlDialect.Sqlite.ReadHotAsync(
            connection, null, ReadSql, [("k", key)], row => (row.GetString(0), row.GetNullableInt64(1), Convert.ToHexString(row.GetBytes(2))), Token);
}
