using System.Data.Common;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>Everything the scenarios of one database share: sizes, the launch recipe, raw database access, the probe.</summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private readonly Dictionary<string, long> _connectionIds = new(StringComparer.Ordinal);

    public BenchContext(BenchOptions options, string databaseName, ServerLaunch launch, Database database, ProbeListener probe)
    {
        Options = options;
        DatabaseName = databaseName;
        Launch = launch;
        Database = database;
        Probe = probe;
    }

    public BenchOptions Options { get; }

    public BenchProfile Profile => Options.Profile;

    public string DatabaseName { get; }

    public bool IsPostgres => Database.Dialect.IsPostgres;

    public ServerLaunch Launch { get; }

    /// <summary>The server's database, opened exactly as the server opens it (same pragmas, same pool rules).</summary>
    public Database Database { get; }

    public ProbeListener Probe { get; }

    public Results Results { get; } = new();

    /// <param name="environment">Variables the process gets on top of the bench's own (B14 turns delivery off with one).</param>
    public Task<ServerProcess> StartServerAsync(string role, int workerSlots, string label, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        Log.Info($"[{DatabaseName}] starting {label} (role {role}, {workerSlots} worker slots)");
        return ServerProcess.StartAsync(Launch, role, workerSlots, $"{DatabaseName}-{label}", cancellationToken, environment);
    }

    public BenchApi Api(ServerProcess server) => new(server.BaseUrl, Launch.SecretKey);

    /// <summary>A second handle on the same database with its own pool (for the engine's stores run in the bench).</summary>
    public Database NewDatabase() =>
        Launch.DatabaseUrl is { } url ? Database.Postgres(url) : Database.Sqlite(Path.Combine(Launch.DataDir, "tributary.db"));

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Database.OpenAsync(cancellationToken);

    public void Info(string message) => Log.Info($"[{DatabaseName}] {message}");

    public static long NowMicros() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;

    /// <summary>The database id of a connection of the bench integration.</summary>
    public async Task<long> ConnectionDbIdAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (_connectionIds.TryGetValue(connectionId, out var cached))
        {
            return cached;
        }

        await using var connection = await OpenAsync(cancellationToken);
        var id = await connection.QueryLongAsync(
            "SELECT c.id FROM connections c JOIN integrations i ON i.id = c.integration_id WHERE i.unique_key = @i AND c.connection_id = @c",
            cancellationToken,
            ("i", BenchNames.Bench),
            ("c", connectionId));
        if (id == 0)
        {
            throw new InvalidOperationException($"Connection {connectionId} does not exist.");
        }

        _connectionIds[connectionId] = id;
        return id;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
