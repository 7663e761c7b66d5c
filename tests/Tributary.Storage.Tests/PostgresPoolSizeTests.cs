using Npgsql;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The PostgreSQL pool: the operator's <c>Maximum Pool Size</c> wins, and the default fits a default server.</summary>
public sealed class PostgresPoolSizeTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=7", 7)]
    [InlineData("Host=127.0.0.1;Database=t;MaxPoolSize=300", 300)]
    [InlineData("postgres://u:p@127.0.0.1:5432/t?Maximum%20Pool%20Size=9", 9)]
    public async Task Postgres_ConnectionStringSetsThePool_KeepsTheOperatorsSize(string connectionString, int expected)
    {
        await using var database = Database.Postgres(connectionString);

        Assert.Equal(expected, database.MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=t")]
    [InlineData("postgres://u:p@127.0.0.1/t")]
    public async Task Postgres_NoPoolSetting_UsesADefaultBelowPostgresDefaultMaxConnections(string connectionString)
    {
        await using var database = Database.Postgres(connectionString);

        Assert.Equal(Database.DefaultPostgresPoolSize, database.MaxPoolSize);
        Assert.True(database.MaxPoolSize < 100, "two processes must fit PostgreSQL's default max_connections of 100");
    }

    /// <summary>Each connection setting the server defaults: the default without it, the operator's value with it.</summary>
    [Theory]
    [InlineData("read buffer", "Host=127.0.0.1;Database=t", Database.DefaultPostgresReadBufferSize)]
    [InlineData("read buffer", "postgres://u:p@127.0.0.1/t", Database.DefaultPostgresReadBufferSize)]
    [InlineData("read buffer", "Host=127.0.0.1;Database=t;Read Buffer Size=16384", 16384)]
    [InlineData("read buffer", "postgres://u:p@127.0.0.1/t?ReadBufferSize=4096", 4096)]
    [InlineData("auto-prepare", "Host=127.0.0.1;Database=t", Database.DefaultPostgresAutoPrepare)]
    [InlineData("auto-prepare", "postgres://u:p@127.0.0.1/t", Database.DefaultPostgresAutoPrepare)]
    [InlineData("auto-prepare", "Host=127.0.0.1;Database=t;Max Auto Prepare=0", 0)]
    [InlineData("auto-prepare", "postgres://u:p@127.0.0.1/t?MaxAutoPrepare=20", 20)]
    [InlineData("bulk write buffer", "Host=127.0.0.1;Database=t", Database.DefaultPostgresBulkWriteBufferSize)]
    [InlineData("bulk write buffer", "Host=127.0.0.1;Database=t;Write Buffer Size=16384", 16384)]
    public async Task Postgres_Setting_HasTheServersDefaultUnlessTheOperatorSetsIt(string setting, string connectionString, int expected)
    {
        await using var database = Database.Postgres(connectionString);

        var actual = setting switch
        {
            "read buffer" => database.ReadBufferSize,
            "auto-prepare" => database.MaxAutoPrepare,
            "bulk write buffer" => database.BulkWriteBufferSize,
            _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
        };
        Assert.Equal(expected, actual);
    }

    /// <summary>The records-page pool is carved out of the maximum next to the bulk pool; small pools read pages on the main pool.</summary>
    [Theory]
    [InlineData("Host=127.0.0.1;Database=t", Database.DefaultPostgresPoolSize)]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=8", 8)]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=200", 200)]
    public async Task Postgres_PagePool_IsCarvedOutOfTheMaximum_LeavingHalfOfTheRestToTheMainPool(string connectionString, int total)
    {
        await using var database = Database.Postgres(connectionString);

        var bulk = database.BulkPoolSize!.Value;
        Assert.Equal(total, database.MaxPoolSize);
        Assert.Equal(Math.Min(Database.DefaultPostgresPageReaders, (total - bulk) / 2), database.PageReadPoolSize);
        Assert.True(total - bulk - database.PageReadPoolSize >= database.PageReadPoolSize, "the main pool keeps at least as many");
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=7")]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=3")]
    [InlineData("Host=127.0.0.1;Database=t;Max Auto Prepare=0")]
    public async Task Postgres_PoolUnderEight_OrWithoutAutoPrepare_HasNoPagePool(string connectionString)
    {
        await using var database = Database.Postgres(connectionString);

        Assert.Null(database.PageReadPoolSize);
    }

    [Fact]
    public async Task Postgres_AStatementRunRepeatedlyOnAConnection_IsPreparedThere()
    {
        var token = TestContext.Current.CancellationToken;
        var url = await TestPostgres.CreateDatabaseAsync(token);
        await using var database = Database.Postgres(url);
        await using var connection = await database.OpenAsync(token);
        for (var i = 0; i < 6; i++)
        {
            await using var repeated = connection.Command("SELECT count(*) FROM pg_class WHERE relname = @n").With("n", "pg_type");
            Assert.Equal(1L, await repeated.ExecuteScalarAsync(token));
        }

        // Without auto-prepare (Npgsql's default) every execution is parsed and planned again and nothing is listed here.
        await using var prepared = connection.Command("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%relname = $1%'");
        Assert.Equal(1L, await prepared.ExecuteScalarAsync(token));
    }

    [Fact]
    public async Task Postgres_PoolOfTwo_AThirdOpenWaitsInsteadOfOpeningMore()
    {
        var token = TestContext.Current.CancellationToken;
        var url = await TestPostgres.CreateDatabaseAsync(token);
        var builder = new NpgsqlConnectionStringBuilder(url) { MaxPoolSize = 2, Timeout = 1 };
        await using var database = Database.Postgres(builder.ConnectionString);
        await using var first = await database.OpenAsync(token);
        await using var second = await database.OpenAsync(token);

        // Npgsql's answer to an exhausted pool is a timeout after Timeout seconds: the limit is enforced, not raised.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => database.OpenAsync(token));
    }
}
