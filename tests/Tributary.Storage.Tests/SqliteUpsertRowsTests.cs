using System.Data.Common;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// SQLite's upsert over a batch without RETURNING (<see cref="SqlDialect.ExecuteUpsertRowsAsync"/>): each row's outcome
/// is known from its change count and the last insert rowid, and read back for an update.
/// </summary>
public sealed class SqliteUpsertRowsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>1 for a row the upsert inserted, 0 for one it updated, 3 for an update of a row to @big or more.</summary>
    private const string Outcome = "CASE WHEN born = n THEN 1 WHEN n >= @big THEN 3 ELSE 0 END";

    [Fact]
    public async Task EachWrittenRow_ReportsWhatReturningWould_EvenAnInsertLandingOnTheLastInsertRowid()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token, migrate: false);
        var dialect = database.Database.Dialect;
        await using var connection = await database.Database.OpenAsync(Token);
        foreach (var table in new[] { "kept", "returned" })
        {
            await ExecuteAsync(connection, null, $"CREATE TABLE {table} (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v TEXT NOT NULL, n INTEGER NOT NULL, born INTEGER NOT NULL)");
            await ExecuteAsync(connection, null, $"INSERT INTO {table} (id, k, v, n, born) VALUES (1, 'b', 'old', 1, 1), (2, 'c', 'same', 2, 2), (3, 'e', 'old', 3, 3)");
        }

        await ExecuteAsync(connection, null, "CREATE TABLE other (id INTEGER PRIMARY KEY)");
        string[] keys = ["d", "a", "b", "c", "e"];
        string[] values = ["new", "new", "changed", "same", "changed"];
        long[] numbers = [10, 11, 12, 13, 100];
        RowUpsert Upsert(string table) => new(
            $"""
            INSERT INTO {table} (k, v, n, born) VALUES (@k, @v, @n, @n)
            ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = excluded.n WHERE {table}.v <> excluded.v
            """,
            table,
            "k = @k",
            Outcome,
            InsertedOutcome: 1);
        RowBatch Batch() => new RowBatch(keys.Length).Shared("big", 50L)
            .Text("k", i => keys[i]).Text("v", i => values[i]).Int64("n", i => numbers[i]);

        var kept = new List<long>();
        await using (var transaction = await connection.BeginTransactionAsync(Token))
        {
            // The connection's last insert is now rowid 4 of another table: the first row's insert gets rowid 4 too,
            // so its rowid alone cannot tell it was inserted.
            await ExecuteAsync(connection, transaction, "INSERT INTO other (id) VALUES (4)");
            await dialect.ExecuteUpsertRowsAsync(connection, transaction, Upsert("kept"), Batch(), kept.Add, Token);
            await transaction.CommitAsync(Token);
        }

        var returned = new List<long>();
        await using (var transaction = await connection.BeginTransactionAsync(Token))
        {
            await dialect.ExecuteRowsAsync(connection, transaction, Upsert("returned").ReturningSql, Batch(), returned.Add, Token);
            await transaction.CommitAsync(Token);
        }

        Assert.Equal([1L, 1L, 0L, 3L], kept);
        Assert.Equal(returned, kept);
        Assert.Equal(await ContentsAsync(connection, "returned"), await ContentsAsync(connection, "kept"));
        Assert.Equal("1:b,2:c,3:e,4:d,5:a", await ContentsAsync(connection, "kept", "id || ':' || k"));
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.Command(sql, transaction);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<string> ContentsAsync(DbConnection connection, string table, string row = "k || '=' || v || '/' || n || '/' || born")
    {
        await using var command = connection.Command($"SELECT group_concat(r, ',') FROM (SELECT {row} AS r FROM {table} ORDER BY id)");
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }
}
