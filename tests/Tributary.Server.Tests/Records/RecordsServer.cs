using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Server.Tests.Records;

/// <summary>
/// A real server whose <c>scripted</c> sync (models <c>Ticket</c> and <c>Note</c>) runs whatever the test hands it,
/// with one connection <c>acme</c>: records get into the cache through real runs, and come out through HTTP.
/// </summary>
internal sealed class RecordsServer : IAsyncDisposable
{
    public const string Config = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              scripted:
                function: scripted
                models: [Ticket, Note]
                frequency: every 1h
                auto_start: false
        """;

    private readonly Script _script;

    private RecordsServer(TestServer server, Script script)
    {
        Server = server;
        _script = script;
    }

    public TestServer Server { get; }

    public static Dictionary<string, string> Headers => new() { ["Connection-Id"] = "acme", ["Provider-Config-Key"] = "demo" };

    public static async Task<RecordsServer> StartAsync(TestDialect dialect, CancellationToken cancellationToken, Action<IServiceCollection>? services = null)
    {
        var extra = services;
        var script = new Script();
        var server = await TestServer.StartAsync(
            dialect,
            cancellationToken,
            Config,
            services: services =>
            {
                services.AddSingleton(script);
                services.AddSyncFunction<ScriptedFunction>("scripted");
                extra?.Invoke(services);
            });
        await server.CreateConnectionAsync("acme", null, cancellationToken);
        return new RecordsServer(server, script);
    }

    /// <summary>Runs the sync (or a variant, <c>scripted::v1</c>) once with <paramref name="step"/> and waits for success.</summary>
    public async Task<JsonNode> RunAsync(Func<SyncContext, CancellationToken, Task> step, CancellationToken cancellationToken, string sync = "scripted")
    {
        _script.Step = step;
        var run = await Server.WaitForRunAsync(await Server.TriggerAsync("acme", sync, cancellationToken), cancellationToken);
        Assert.True((string?)run["state"] == "succeeded", run.ToJsonString());
        return run;
    }

    public Task<JsonNode?> GetAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        Server.Client.SendAsync(HttpMethod.Get, pathAndQuery, null, Headers, cancellationToken);

    public Task<JsonNode?> PruneAsync(JsonObject body, CancellationToken cancellationToken) =>
        Server.Client.SendAsync(HttpMethod.Patch, "records/prune", body, Headers, cancellationToken);

    /// <summary>Every record of <paramref name="query"/> (e.g. <c>model=Ticket</c>), following <c>next_cursor</c>.</summary>
    public async Task<List<JsonNode>> ReadAllAsync(string query, CancellationToken cancellationToken, int limit = 3)
    {
        var all = new List<JsonNode>();
        string? cursor = null;
        while (true)
        {
            var page = await GetAsync(
                $"records?{query}&limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"),
                cancellationToken);
            all.AddRange(page!["records"]!.AsArray().Select(r => r!));
            cursor = (string?)page["next_cursor"];
            if (cursor is null)
            {
                return all;
            }
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>What the next run of the scripted sync does.</summary>
    internal sealed class Script
    {
        public Func<SyncContext, CancellationToken, Task> Step { get; set; } = (_, _) => Task.CompletedTask;
    }

    internal sealed class ScriptedFunction : ISyncFunction
    {
        private readonly Script _script;

        public ScriptedFunction(Script script)
        {
            _script = script;
        }

        public Task RunAsync(SyncContext context, CancellationToken cancellationToken) => _script.Step(context, cancellationToken);
    }
}
