using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tributary.Core;
using Tributary.Testing;

namespace Tributary.Sdk.Testing.Tests;

/// <summary>
/// The same calls through <see cref="TestSyncContext"/> and through a real run of the engine (a server over SQLite):
/// both refuse the same inputs with the same exception and message, and accept the rest with the same outcome.
/// </summary>
public sealed class EngineParityTests(EngineParityTests.Server server) : IClassFixture<EngineParityTests.Server>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Cases => [.. ParityCases.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Call_ThroughTheTestContextAndTheEngine_EndsTheSame(string name)
    {
        var test = await ParityCases.OutcomeAsync(name, new TestSyncContext(["Deal"]), Token);

        var engine = await server.RunAsync(name, Token);

        Assert.Equal(engine, test);
    }

    /// <summary>One server for the class; each case runs on a connection of its own.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private const string Config = """
            integrations:
              parity:
                provider: parity
                syncs:
                  probe:
                    function: parity-probe
                    models: [Deal]
                    frequency: every 1h
                    auto_start: false
                    sync_type: full
            """;

        private TestServer? _server;

        public async ValueTask InitializeAsync() =>
            _server = await TestServer.StartAsync(
                TestDialect.Sqlite, TestContext.Current.CancellationToken, Config, services: s => s.AddSyncFunction<ParityProbeFunction>("parity-probe"));

        public async Task<string> RunAsync(string name, CancellationToken cancellationToken)
        {
            var server = _server ?? throw new InvalidOperationException("The server did not start.");
            var connection = $"case-{ParityCases.All.Keys.ToList().IndexOf(name)}";
            await server.CreateConnectionAsync(connection, new JsonObject { ["case"] = name }, cancellationToken, integration: "parity");
            var run = await server.WaitForRunAsync(await server.TriggerAsync(connection, "probe", cancellationToken, integration: "parity"), cancellationToken);
            Assert.Equal("succeeded", (string?)run["state"]);
            return ParityProbeFunction.Outcomes[connection];
        }

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    /// <summary>Runs the case named in the connection's metadata inside a real run and keeps its outcome.</summary>
    private sealed class ParityProbeFunction : ISyncFunction
    {
        public static ConcurrentDictionary<string, string> Outcomes { get; } = new(StringComparer.Ordinal);

        public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
        {
            var name = (string?)context.Metadata["case"] ?? throw new InvalidOperationException("No case in the metadata.");
            Outcomes[context.ConnectionId] = await ParityCases.OutcomeAsync(name, context, cancellationToken);
        }
    }
}
