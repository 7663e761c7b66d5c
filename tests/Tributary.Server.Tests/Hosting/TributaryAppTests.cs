using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tributary.Core.Engine;
using Tributary.Testing;

namespace Tributary.Server.Tests.Hosting;

public sealed class TributaryAppTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BuildAsync_WithoutExtraServices_RegistersSampleDataAndNoBenchFunction()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);

        var names = server.Services.GetRequiredService<SyncFunctionRegistry>().Names;

        Assert.Contains("sample-data", names);
        Assert.DoesNotContain(names, name => name.StartsWith("bench-", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task DisposedServer_LeavesNoConnectionToItsPostgresDatabase()
    {
        var server = await TestServer.StartAsync(TestDialect.Postgres, Token);
        var database = new NpgsqlConnectionStringBuilder(server.DatabaseUrl).Database!;
        await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);
        Assert.True(await BackendsOnAsync(database) > 0, "the running server holds pooled connections");

        await server.DisposeAsync();

        // Npgsql's idle pruning would close them only after minutes: within seconds means the server closed its pools.
        await Eventually.TrueAsync(
            async _ => await BackendsOnAsync(database) == 0,
            TimeSpan.FromSeconds(5),
            $"the backends on {database} to end after the server was disposed",
            Token);
    }

    private static async Task<long> BackendsOnAsync(string database)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.RequireAdminConnectionString()) { Pooling = false }.ConnectionString);
        await admin.OpenAsync(Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @name", admin);
        count.Parameters.AddWithValue("name", database);
        return (long)(await count.ExecuteScalarAsync(Token))!;
    }
}
