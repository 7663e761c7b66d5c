using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary>One in-process <c>tributary serve</c> with a connection, shared by the remote verbs' tests.</summary>
public sealed class RemoteServer : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly SemaphoreSlim _dealsOnce = new(1, 1);
    private ServeInProcess? _server;
    private bool _dealsWritten;

    internal ServeInProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public string Url => Server.BaseUrl.ToString();

    public string SecretKey => Server.SecretKey;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        _server = await ServeInProcess.StartAsync(_folder.DataDir, _folder.ConfigPath, token);
        using var client = _server.Client();
        await client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = "acme",
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = new JsonObject { ["records"] = 12 },
            },
            token);
        await CreateAsync(client, SlowConnection, new JsonObject { ["records"] = 10, ["batch_size"] = 1, ["delay_ms_per_batch"] = 60_000 }, token);
        await CreateAsync(client, FailingConnection, new JsonObject { ["records"] = 10, ["batch_size"] = 2, ["fail_after_batches"] = 1 }, token);
        await CreateAsync(client, SteadyConnection, new JsonObject { ["records"] = 5, ["batch_size"] = 1, ["delay_ms_per_batch"] = 700 }, token);
    }

    /// <summary>A connection whose runs take minutes (one record a minute): they stay running until cancelled.</summary>
    public const string SlowConnection = "slow";

    /// <summary>A connection whose runs write one record every 0.7 s: a few seconds of visible progress.</summary>
    public const string SteadyConnection = "steady";

    /// <summary>A connection whose runs fail after their first batch (sample-data's injected failure).</summary>
    public const string FailingConnection = "broken";

    private static Task<JsonNode?> CreateAsync(TributaryClient client, string connectionId, JsonObject metadata, CancellationToken cancellationToken) =>
        client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = metadata,
            },
            cancellationToken);

    public TributaryClient Client() => Server.Client();

    /// <summary>Runs a verb against this server, with its URL and key.</summary>
    internal Task<CommandRun> RunAsync(params string[] args) =>
        CommandLine.RunAsync(TestContext.Current.CancellationToken, [.. args, "--url", Url, "--secret-key", SecretKey]);

    /// <summary>Runs the <c>deals</c> sync once (for all tests of the fixture) so there are Deal records to read.</summary>
    public async Task EnsureDealsAsync(CancellationToken cancellationToken)
    {
        await _dealsOnce.WaitAsync(cancellationToken);
        try
        {
            if (_dealsWritten)
            {
                return;
            }

            using var client = Client();
            var answer = await client.TriggerAsync(new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["syncs"] = new JsonArray("deals") }, cancellationToken);
            var runId = (string)answer!["runs"]![0]!["run_id"]!;
            await Eventually.ValueAsync(token => client.GetRunAsync(runId, token), TestServer.IsFinal, TimeSpan.FromSeconds(30), $"deals run {runId} to finish", cancellationToken);
            _dealsWritten = true;
        }
        finally
        {
            _dealsOnce.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dealsOnce.Dispose();
        _folder.Dispose();
    }
}
