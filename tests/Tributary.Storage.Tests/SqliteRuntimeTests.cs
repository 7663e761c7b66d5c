using System.Data.Common;
using Microsoft.Data.Sqlite;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Tests;

/// <summary>What the SQLite the engine runs on must be, and how one database's pool lives next to another's.</summary>
public sealed class SqliteRuntimeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeSqlite_IsAtLeast3_51_3_WhichFixedTheWalResetBug()
    {
        await using var database = Database.Sqlite(Path.Combine(Directory.CreateTempSubdirectory("tributary-sqlite-").FullName, "v.db"));
        await using var connection = await database.OpenAsync(Token);
        await using var command = connection.Command("SELECT sqlite_version()");
        var text = (string)(await command.ExecuteScalarAsync(Token))!;

        // 3.7.0 to 3.51.2: a checkpoint racing a commit on another connection of the process could leave readers on stale pages.
        Assert.True(Version.Parse(text) >= new Version(3, 51, 3), $"SQLite {text} has the WAL-reset bug; Directory.Packages.props pins a fixed build.");
    }

    [Fact]
    public async Task DisposingOneDatabase_LeavesAnotherDatabasesPooledConnectionsOpen()
    {
        var folder = Directory.CreateTempSubdirectory("tributary-sqlite-").FullName;
        await using var kept = Database.Sqlite(Path.Combine(folder, "kept.db"));
        var before = await HandleAsync(kept);

        var other = Database.Sqlite(Path.Combine(folder, "other.db"));
        await (await other.OpenAsync(Token)).DisposeAsync();
        await other.DisposeAsync();

        // The same native handle: the kept database's idle pooled connection survived the other's disposal.
        Assert.Same(before, await HandleAsync(kept));
    }

    [Fact]
    public async Task EveryNativeConnection_GetsTheSettingsOnce_AndThePoolKeepsThem()
    {
        await using var database = Database.Sqlite(Path.Combine(Directory.CreateTempSubdirectory("tributary-sqlite-").FullName, "p.db"));
        SQLitePCL.sqlite3 handle;
        await using (var connection = await database.OpenAsync(Token))
        {
            handle = ((SqliteConnection)connection).Handle!;
            Assert.Equal("wal", await PragmaAsync(connection, "journal_mode"));
            Assert.Equal(2L, await PragmaAsync(connection, "synchronous"));
            Assert.Equal(1L, await PragmaAsync(connection, "foreign_keys"));
            Assert.Equal(30_000L, await PragmaAsync(connection, "busy_timeout"));
            Assert.Equal(-8192L, await PragmaAsync(connection, "cache_size"));
            await using var change = connection.Command("PRAGMA cache_size=-1234");
            await change.ExecuteNonQueryAsync(Token);
        }

        // Reopened from the pool: the same native connection, its settings not run again (the change survives).
        await using var reopened = await database.OpenAsync(Token);
        Assert.Same(handle, ((SqliteConnection)reopened).Handle);
        Assert.Equal(-1234L, await PragmaAsync(reopened, "cache_size"));
    }

    private static async Task<object?> PragmaAsync(DbConnection connection, string name)
    {
        await using var command = connection.Command($"PRAGMA {name}");
        return await command.ExecuteScalarAsync(Token);
    }

    private static async Task<SQLitePCL.sqlite3> HandleAsync(Database database)
    {
        await using DbConnection connection = await database.OpenAsync(Token);
        return ((SqliteConnection)connection).Handle!;
    }
}
