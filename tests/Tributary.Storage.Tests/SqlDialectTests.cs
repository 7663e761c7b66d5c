using System.Data.Common;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The dialect seam: each difference answered for both databases, and run on the database it names.</summary>
public sealed class SqlDialectTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Fragments_AreEachDatabasesOwnSpelling()
    {
        Assert.Equal("GREATEST(a, b)", SqlDialect.Postgres.Greatest("a", "b"));
        Assert.Equal("max(a, b)", SqlDialect.Sqlite.Greatest("a", "b"));
        Assert.Equal("FOR UPDATE SKIP LOCKED", SqlDialect.Postgres.SkipLocked);
        Assert.Equal(string.Empty, SqlDialect.Sqlite.SkipLocked);
        Assert.Equal(string.Empty, SqlDialect.Postgres.IndexedBy("runs_claimable"));
        Assert.Equal("INDEXED BY runs_claimable", SqlDialect.Sqlite.IndexedBy("runs_claimable"));
        Assert.Equal("(xmax = 0)", SqlDialect.Postgres.InsertedColumn);
        Assert.Equal("FROM unnest(@e, @s) AS u(e, s)", SqlDialect.Postgres.UpdateFromRows("e", "s"));
        Assert.Equal(string.Empty, SqlDialect.Sqlite.UpdateFromRows("e", "s"));
        Assert.Equal("VALUES (@c, @e)", SqlDialect.Sqlite.InsertRows($"@c, {SqlDialect.Sqlite.Row("e")}", "e"));
        Assert.Equal("SELECT @c, u.e FROM unnest(@e) AS u(e)", SqlDialect.Postgres.InsertRows($"@c, {SqlDialect.Postgres.Row("e")}", "e"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ListsAndNullParameters_RunOnTheirDatabase(TestDialect which)
    {
        await using var database = await TestDatabase.CreateAsync(which, Token, migrate: false);
        var dialect = database.Database.Dialect;
        await using var connection = await database.Database.OpenAsync(Token);

        // A null compared with IS NULL needs a type on PostgreSQL; the list is one parameter on both.
        await using var command = connection.Command($"""
            SELECT COUNT(*) FROM {dialect.ListRows("names")}
            WHERE {dialect.InList("l.value", "wanted")} AND (@text IS NULL OR l.value = @text) AND (@number IS NULL OR @number > 0)
            """)
            .WithList(dialect, "names", ["a", "b", "c"]).WithList(dialect, "wanted", ["b", "c", "z"])
            .WithNullable(dialect, "text", (string?)null).WithNullable(dialect, "number", (long?)null);

        Assert.Equal(2, await command.ScalarInt64Async(Token));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task RelaxedStatement_CommitsAsynchronouslyInItsOwnTransaction_AndLeavesTheConnectionDurable()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);
        var dialect = database.Database.Dialect;
        Assert.True(dialect.RelaxesStatementsInline);
        await using var connection = await database.Database.OpenAsync(Token);
        await using (var create = connection.Command("CREATE TABLE relaxed (setting TEXT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(Token);
        }

        // The statement sees the asynchronous commit.
        await using (var insert = connection.Command(dialect.RelaxedStatement("INSERT INTO relaxed SELECT current_setting('synchronous_commit') RETURNING setting")))
        {
            Assert.Equal("off", Convert.ToString(await insert.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
        }

        // Committed (another connection sees it), and the setting ended with its transaction.
        await using (var other = await database.Database.OpenAsync(Token))
        {
            await using var count = other.Command("SELECT COUNT(*) FROM relaxed WHERE setting = 'off'");
            Assert.Equal(1, await count.ScalarInt64Async(Token));
        }

        await using var show = connection.Command("SHOW synchronous_commit");
        Assert.Equal("on", Convert.ToString(await show.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("SELECT 1", SqlDialect.Sqlite.RelaxedStatement("SELECT 1"));
        Assert.False(SqlDialect.Sqlite.RelaxesStatementsInline);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task RelaxedStatement_RaisesNoWarning()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);
        await using var connection = (Npgsql.NpgsqlConnection)await database.Database.OpenAsync(Token);
        var notices = new List<string>();
        connection.Notice += (_, e) => notices.Add($"{e.Notice.Severity}: {e.Notice.MessageText}");

        // SET LOCAL outside a transaction block warned "SET LOCAL can only be used in transaction blocks" every time.
        await using (var relaxed = connection.Command(database.Database.Dialect.RelaxedStatement("SELECT current_setting('synchronous_commit')")))
        {
            Assert.Equal("off", Convert.ToString(await relaxed.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Empty(notices);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task RelaxedStatement_ThatFails_CommitsNothing_AndTheNextUserOfItsPooledConnectionWorksNormally()
    {
        await using var created = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);

        // One pooled connection: the next user is the same backend.
        await using var database = Database.Postgres($"{created.ConnectionString};Maximum Pool Size=1");
        var dialect = database.Dialect;
        int backend;
        await using (var connection = await database.OpenAsync(Token))
        {
            await using (var create = connection.Command("CREATE TABLE relaxed (n INT NOT NULL)"))
            {
                await create.ExecuteNonQueryAsync(Token);
            }

            await using (var pid = connection.Command("SELECT pg_backend_pid()"))
            {
                backend = Convert.ToInt32(await pid.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
            }

            // The second row fails the statement after the first was inserted.
            await using var failing = connection.Command(dialect.RelaxedStatement("INSERT INTO relaxed SELECT 10 / x FROM (VALUES (1), (0)) AS v(x)"));
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => failing.ExecuteNonQueryAsync(Token));
        }

        await using (var next = await database.OpenAsync(Token))
        {
            await using (var pid = next.Command("SELECT pg_backend_pid()"))
            {
                Assert.Equal(backend, Convert.ToInt32(await pid.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
            }

            // Outside any transaction: a write commits on its own, seen by another connection, with the usual commit.
            await using (var show = next.Command("SHOW synchronous_commit"))
            {
                Assert.Equal("on", Convert.ToString(await show.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
            }

            await using (var insert = next.Command("INSERT INTO relaxed VALUES (7)"))
            {
                await insert.ExecuteNonQueryAsync(Token);
            }
        }

        await using var other = new Npgsql.NpgsqlConnection(created.ConnectionString);
        await other.OpenAsync(Token);
        await using (var rows = other.Command("SELECT string_agg(n::text, ',') FROM relaxed"))
        {
            Assert.Equal("7", Convert.ToString(await rows.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var state = other.Command("SELECT state FROM pg_stat_activity WHERE pid = @pid").With("pid", backend);
        Assert.Equal("idle", Convert.ToString(await state.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task SchedulerLock_IsHeldByOneTransactionAtATime()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);
        var dialect = database.Database.Dialect;
        await using var first = await database.Database.OpenAsync(Token);
        await using var second = await database.Database.OpenAsync(Token);
        await using var holder = await database.Database.BeginWriteAsync(first, Token);
        Assert.True(await dialect.TryLockForTransactionAsync(first, holder, AdvisoryLock.Scheduler, Token));

        await using (var other = await database.Database.BeginWriteAsync(second, Token))
        {
            Assert.False(await dialect.TryLockForTransactionAsync(second, other, AdvisoryLock.Scheduler, Token));
        }

        await holder.CommitAsync(Token);
        await using var after = await database.Database.BeginWriteAsync(second, Token);
        Assert.True(await dialect.TryLockForTransactionAsync(second, after, AdvisoryLock.Scheduler, Token));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task MigrationLock_IsHeldUntilDisposed()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);
        await using var first = await database.Database.OpenAsync(Token);
        await using var second = await database.Database.OpenAsync(Token);

        await using (await database.Database.Dialect.LockForSessionAsync(first, AdvisoryLock.Migrations, Token))
        {
            Assert.False(await TryTakeAsync(second, AdvisoryLock.Migrations));
        }

        Assert.True(await TryTakeAsync(second, AdvisoryLock.Migrations));
    }

    [Fact]
    public async Task SqliteLocks_AreTheWriteTransaction_SoTakingThemAlwaysSucceeds()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token, migrate: false);
        await using var connection = await database.Database.OpenAsync(Token);
        await using (await SqlDialect.Sqlite.LockForSessionAsync(connection, AdvisoryLock.Migrations, Token))
        await using (var transaction = await database.Database.BeginWriteAsync(connection, Token))
        {
            Assert.True(await SqlDialect.Sqlite.TryLockForTransactionAsync(connection, transaction, AdvisoryLock.Scheduler, Token));
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task RowReaders_FindTheirColumnsByName_InAnyOrder(TestDialect which)
    {
        await using var database = await TestDatabase.CreateAsync(which, Token);
        await using var connection = await database.Database.OpenAsync(Token);
        await using (var insert = connection.Command("""
            INSERT INTO environments (id, name, created_at) VALUES (1, 'dev', 0);
            INSERT INTO integrations (environment_id, unique_key, provider, display_name, base_url, created_at, updated_at)
            VALUES (1, 'github', 'github', NULL, 'https://api.example', 10, 20);
            """))
        {
            await insert.ExecuteNonQueryAsync(Token);
        }

        await using var select = connection.Command(
            "SELECT forward_webhooks, updated_at, created_at, base_url, display_name, provider, unique_key, environment_id, id FROM integrations");

        var integration = Assert.Single(await SqlRows.ReadAllAsync(select, SqlRows.Integration, Token));

        Assert.Equal(("github", "github", null, "https://api.example", 10L, 20L), (integration.UniqueKey, integration.Provider, integration.DisplayName, integration.BaseUrl, integration.CreatedAt, integration.UpdatedAt));
        Assert.True(integration.ForwardWebhooks);
    }

    private static async Task<bool> TryTakeAsync(DbConnection connection, AdvisoryLock key)
    {
        await using var command = connection.Command("SELECT pg_try_advisory_lock(@key)").With("key", (long)key);
        var taken = await command.ExecuteScalarAsync(Token) is true;
        if (taken)
        {
            await using var release = connection.Command("SELECT pg_advisory_unlock(@key)").With("key", (long)key);
            await release.ExecuteNonQueryAsync(Token);
        }

        return taken;
    }
}
