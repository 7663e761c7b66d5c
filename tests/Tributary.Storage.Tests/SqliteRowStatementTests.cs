using Microsoft.Data.Sqlite;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Tests;

public sealed class SqliteRowStatementTests : IAsyncLifetime
{
    private Database _database = null!;
    private SqliteConnection _connection = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = Database.Sqlite(Path.Combine(Directory.CreateTempSubdirectory("tributary-rows-").FullName, "rows.db"));
        _connection = (SqliteConnection)await _database.OpenAsync(Token);
        await using var create = _connection.Command("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)");
        await create.ExecuteNonQueryAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task RowsRunOneAfterAnother_InsideTheConnectionsTransaction_AndReportWhatTheyChanged()
    {
        await using (var transaction = _connection.BeginTransaction())
        {
            using var insert = SqliteRowStatement.Prepare(_connection, "INSERT INTO t (k, n) VALUES (@k, @n) ON CONFLICT (k) DO NOTHING");
            int k = insert.Parameter("k"), n = insert.Parameter("n");
            foreach (var (key, value) in new[] { ("a", 1L), ("é✓", 2L), ("a", 3L) })
            {
                insert.Bind(k, key);
                insert.Bind(n, value);
                Assert.Equal(key == "a" && value == 3 ? 0 : 1, insert.Execute());
            }

            using var bump = SqliteRowStatement.Prepare(_connection, "UPDATE t SET n = n + 10 WHERE k = @k RETURNING n");
            Assert.Equal(12L, bump.Bind("k", "é✓").ExecuteScalarInt64());
            Assert.Null(bump.Bind("k", "missing").ExecuteScalarInt64());
            await transaction.CommitAsync(Token);
        }

        await using var read = _connection.Command("SELECT group_concat(k || '=' || n, ',') FROM (SELECT k, n FROM t ORDER BY n)");
        Assert.Equal("a=1,é✓=12", await read.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task Text_IsStoredAsTheSameCharacters_WhateverItsLength_AndTheEmptyStringIsNotNull()
    {
        // The first value is longer than the statement's starting buffer; the later ones reuse the grown buffer.
        var values = new[] { new string('x', 5000) + "é✓😀", string.Empty, "short", "\u0000 \"quoted\"" };
        using (var insert = SqliteRowStatement.Prepare(_connection, "INSERT INTO t (k, n) VALUES (@k, @n)"))
        {
            for (var i = 0; i < values.Length; i++)
            {
                insert.Bind("k", values[i]).Bind("n", i).Execute();
            }
        }

        await using var read = _connection.Command("SELECT k, typeof(k) FROM t ORDER BY n");
        await using var reader = await read.ExecuteReaderAsync(Token);
        foreach (var expected in values)
        {
            Assert.True(await reader.ReadAsync(Token));
            Assert.Equal("text", reader.GetString(1));
            Assert.Equal(expected, reader.GetString(0));
        }
    }

    [Fact]
    public async Task Utf8_IsStoredAsTheTextItEncodes_AndTheEmptySpanIsNotNull()
    {
        var values = new[] { new string('x', 5000) + "é✓😀", string.Empty, "{\"id\":\"a\"}" };
        using (var insert = SqliteRowStatement.Prepare(_connection, "INSERT INTO t (k, n) VALUES (@k, @n)"))
        {
            int k = insert.Parameter("k"), n = insert.Parameter("n");
            for (var i = 0; i < values.Length; i++)
            {
                insert.Bind(k, System.Text.Encoding.UTF8.GetBytes(values[i]).AsSpan());
                insert.Bind(n, i);
                insert.Execute();
            }
        }

        await using var read = _connection.Command("SELECT k, typeof(k) FROM t ORDER BY n");
        await using var reader = await read.ExecuteReaderAsync(Token);
        foreach (var expected in values)
        {
            Assert.True(await reader.ReadAsync(Token));
            Assert.Equal("text", reader.GetString(1));
            Assert.Equal(expected, reader.GetString(0));
        }
    }

    [Fact]
    public void AConstraintViolation_ThrowsSqlitesError_AndTheStatementStaysUsable()
    {
        using var insert = SqliteRowStatement.Prepare(_connection, "INSERT INTO t (k, n) VALUES (@k, @n)");
        insert.Bind("k", "a").Bind("n", 1L).Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Execute());
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, insert.Bind("k", "b").Execute());
    }

    [Fact]
    public void AParameterTheStatementDoesNotHave_IsRefusedByName()
    {
        using var insert = SqliteRowStatement.Prepare(_connection, "INSERT INTO t (k, n) VALUES (@k, @n)");
        var error = Assert.Throws<ArgumentException>(() => insert.Bind("x", 1L));
        Assert.Contains("@x", error.Message, StringComparison.Ordinal);
    }
}
