using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Engine;
using Tributary.Core.Providers;
using Tributary.Server.Hosting;
using Tributary.Testing;

namespace Tributary.Server.Tests.Declarative;

/// <summary>
/// A worker-only process never deploys, yet runs the file's syncs: it must know the file's <c>providers:</c> (a run's
/// base URL and headers come from them) and its <c>rest:</c> syncs' executors, as an all-in-one process does.
/// </summary>
public sealed class WorkerRoleConfigTests
{
    private const string Config = """
        providers:
          acme:
            auth_mode: NONE
            proxy:
              base_url: ${connectionConfig.base_url}
        integrations:
          acme:
            provider: acme
            syncs:
              items:
                models: [Item]
                frequency: every 1h
                auto_start: false
                rest:
                  path: /items
                  id: id
        """;

    [Fact]
    public async Task WorkerRole_KnowsTheFilesProviders_AndItsRestSyncs()
    {
        var token = TestContext.Current.CancellationToken;
        var database = Path.Combine(Directory.CreateTempSubdirectory("tributary-worker-").FullName, "data");
        // The API role migrates and deploys first; the worker then starts on the same data folder's database.
        await using (await TestServer.StartAsync(TestDialect.Sqlite, token, Config, options: o => o.DataDir = database))
        {
        }

        await using var worker = await TestServer.StartAsync(TestDialect.Sqlite, token, Config, options: o =>
        {
            o.DataDir = database;
            o.Role = ServerRole.Worker;
        });

        Assert.NotNull(worker.Services.GetRequiredService<ProviderCatalogue>().Find("acme"));
        Assert.Equal("rest:", worker.Services.GetRequiredService<SyncFunctionRegistry>().Find("rest:acme/items")?.Origin);
    }

    [Fact]
    public async Task WorkerRole_LeavesOutTheApiDocumentsGenerator_WhichOnlyTheApiRolesServe()
    {
        var token = TestContext.Current.CancellationToken;
        var database = Path.Combine(Directory.CreateTempSubdirectory("tributary-worker-").FullName, "data");
        await using (var api = await TestServer.StartAsync(TestDialect.Sqlite, token, Config, options: o => o.DataDir = database))
        {
            Assert.NotNull(api.Services.GetService<IApiDescriptionGroupCollectionProvider>());
        }

        // The generator pulls MVC's API explorer and the OpenAPI model into the process (issue 8's B11: a worker's RSS).
        await using var worker = await TestServer.StartAsync(TestDialect.Sqlite, token, Config, options: o =>
        {
            o.DataDir = database;
            o.Role = ServerRole.Worker;
        });

        Assert.Null(worker.Services.GetService<IApiDescriptionGroupCollectionProvider>());
    }
}
