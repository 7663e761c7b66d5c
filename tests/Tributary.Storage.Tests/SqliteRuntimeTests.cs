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

    private static async Task<SQLitePCL.sqlite3> HandleAsync(Database database)
    {
        await using DbConnection connection = await database.OpenAsync(Token);
        return ((SqliteConnection)connection).Handle!;
    }
}
