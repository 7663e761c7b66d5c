using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Engine;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

/// <summary>The engine's worker tells <see cref="WorkerRest"/> what it claims, so a worker quiet after work hands its memory back.</summary>
public sealed class WorkerRestTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWorkerQuietAfterARun_ReleasesItsMemoryOnce()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        var rest = server.Services.GetRequiredService<WorkerRest>();
        Assert.Equal(0, rest.Releases);

        await server.CreateConnectionAsync("c1", new JsonObject { ["records"] = 5 }, Token);
        var run = await server.WaitForRunAsync(await server.TriggerAsync("c1", "deals", Token), Token);
        Assert.Equal("succeeded", (string?)run["state"]);

        await Eventually.TrueAsync(_ => Task.FromResult(rest.Releases == 1), TimeSpan.FromSeconds(30), "the worker to release its memory once at rest", Token);
    }
}
