using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Client;
using Tributary.Core.Engine;
using Tributary.Server.Hosting;

namespace Tributary.Testing;

/// <summary>
/// A real Tributary (API and engine) on a free loopback port, over a SQLite file or a fresh PostgreSQL database.
/// Tests talk to it over HTTP through <see cref="Client"/>, exactly as any Nango client would.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private TestServer(WebApplication app, Uri baseUrl, string secretKey, string directory, string? databaseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        SecretKey = secretKey;
        _directory = directory;
        DatabaseUrl = databaseUrl;
        Client = new TributaryClient(baseUrl, secretKey);
    }

    public Uri BaseUrl { get; }

    public string SecretKey { get; }

    public string? DatabaseUrl { get; }

    public string DataDir => _directory;

    public TributaryClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public const string DefaultConfig = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact, Company, Deal]
                frequency: every 1h
                auto_start: false
              deals:
                function: sample-data
                models: [Deal]
                frequency: every 1h
                auto_start: false
        """;

    public static async Task<TestServer> StartAsync(
        TestDialect dialect,
        CancellationToken cancellationToken,
        string? config = null,
        Action<EngineOptions>? engine = null,
        Action<IServiceCollection>? services = null,
        string? databaseUrl = null,
        Action<TributaryServerOptions>? options = null)
    {
        var directory = Directory.CreateTempSubdirectory("tributary-server-").FullName;
        var configPath = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(configPath, config ?? DefaultConfig, cancellationToken);
        if (dialect == TestDialect.Postgres && databaseUrl is null)
        {
            databaseUrl = await TestPostgres.CreateDatabaseAsync(cancellationToken);
        }

        var secretKey = Guid.NewGuid().ToString();
        var port = FreePort();
        var serverOptions = new TributaryServerOptions
        {
            DataDir = Path.Combine(directory, "data"),
            DatabaseUrl = databaseUrl,
            ConfigPath = configPath,
            Port = port,
            SecretKey = secretKey,
            Quiet = true,
        };
        var engineOptions = new EngineOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            SchedulerInterval = TimeSpan.FromMilliseconds(200),
            ReaperInterval = TimeSpan.FromMilliseconds(200),
            LeaseDuration = TimeSpan.FromSeconds(3),
            ShutdownGrace = TimeSpan.FromSeconds(2),
        };
        engine?.Invoke(engineOptions);
        options?.Invoke(serverOptions);
        var errorLog = ServerErrorLog.FromEnvironment($"{Xunit.TestContext.Current.Test?.TestDisplayName ?? "no test"} :{port}");
        Action<IServiceCollection>? configure = errorLog is null ? services : s =>
        {
            s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(errorLog);
            services?.Invoke(s);
        };
        var app = await TributaryApp.BuildAsync(serverOptions, engineOptions, configure, cancellationToken);
        await app.StartAsync(cancellationToken);
        return new TestServer(app, new Uri($"http://127.0.0.1:{port}/"), secretKey, directory, databaseUrl);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Imports a connection of the <c>demo</c> integration with sample-data metadata.</summary>
    public Task<JsonNode?> CreateConnectionAsync(string connectionId, JsonObject? metadata, CancellationToken cancellationToken, string integration = "demo") =>
        Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = integration,
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = metadata ?? new JsonObject { ["records"] = 20 },
            },
            cancellationToken);

    /// <summary>Waits until the run reaches a final state and returns it.</summary>
    public async Task<JsonNode> WaitForRunAsync(string runId, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        (await Eventually.ValueAsync(
            token => Client.GetRunAsync(runId, token),
            IsFinal,
            timeout ?? TimeSpan.FromSeconds(60),
            $"run {runId} to reach a final state",
            cancellationToken))!;

    /// <summary>Whether a run (as <c>GET /runs/{id}</c> answers it) is in a final state.</summary>
    public static bool IsFinal(JsonNode? run) => (string?)run?["state"] is "succeeded" or "failed" or "cancelled";

    /// <summary>Triggers named syncs of one connection and returns the run id of the first target.</summary>
    public async Task<string> TriggerAsync(string connectionId, string sync, CancellationToken cancellationToken, bool reset = false, bool emptyCache = false, string integration = "demo")
    {
        var body = new JsonObject
        {
            ["provider_config_key"] = integration,
            ["connection_id"] = connectionId,
            ["syncs"] = new JsonArray(sync),
        };
        if (reset || emptyCache)
        {
            body["opts"] = new JsonObject { ["reset"] = reset, ["emptyCache"] = emptyCache };
        }

        var response = await Client.TriggerAsync(body, cancellationToken);
        return (string)response!["runs"]![0]!["run_id"]!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
