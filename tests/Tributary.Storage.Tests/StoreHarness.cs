using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>A migrated database with the stores, a fake clock and one integration whose connections have syncs.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private StoreHarness(TestDatabase database, FakeTimeProvider time)
    {
        Database = database;
        Time = time;
        ApiKeys = new SqlApiKeyStore(database.Database, time);
        Deployments = new SqlDeploymentStore(database.Database, time);
        Integrations = new SqlIntegrationStore(database.Database);
        Connections = new SqlConnectionStore(database.Database, Integrations, time);
        Syncs = new SqlSyncStore(database.Database);
        Runs = new SqlRunQueueStore(database.Database);
        History = new SqlRunHistoryStore(database.Database);
        Records = new SqlRecordStore(database.Database);
        Checkpoints = new SqlCheckpointStore(database.Database);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public SqlApiKeyStore ApiKeys { get; }

    public SqlDeploymentStore Deployments { get; }

    public SqlIntegrationStore Integrations { get; }

    public SqlConnectionStore Connections { get; }

    public SqlSyncStore Syncs { get; }

    public SqlRunQueueStore Runs { get; }

    public SqlRunHistoryStore History { get; }

    public SqlRecordStore Records { get; }

    public SqlCheckpointStore Checkpoints { get; }

    public long EnvironmentId { get; private set; }

    public long IntegrationId { get; private set; }

    public long Now => Micros.Now(Time);

    public static async Task<StoreHarness> CreateAsync(TestDialect dialect, CancellationToken cancellationToken)
    {
        var database = await TestDatabase.CreateAsync(dialect, cancellationToken);
        var harness = new StoreHarness(database, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var environment = await harness.ApiKeys.EnsureEnvironmentAsync("dev", cancellationToken);
        harness.EnvironmentId = environment.Id;
        await harness.Deployments.ApplyConfigAsync(
            environment.Id,
            [
                new IntegrationDeployment("demo", "sample-data", null, null,
                [
                    new SyncConfigDeployment("contacts", "sample-data", ["Contact", "Company"], "every 1h", 3_600_000, true, "incremental", false),
                    new SyncConfigDeployment("deals", "sample-data", ["Deal"], "every 1h", 3_600_000, false, "incremental", false),
                ]),
            ],
            cancellationToken);
        harness.IntegrationId = (await harness.Integrations.GetAsync(environment.Id, "demo", cancellationToken))!.Id;
        return harness;
    }

    public async Task<Connection> CreateConnectionAsync(string connectionId, CancellationToken cancellationToken) =>
        (await Connections.CreateAsync(
            new NewConnection(EnvironmentId, IntegrationId, connectionId, "NONE", [1, 2, 3], "{}", Now),
            cancellationToken))!;

    public async Task<SyncRow> SyncAsync(Connection connection, string name, CancellationToken cancellationToken) =>
        (await Syncs.GetSyncsAsync(connection.Id, cancellationToken)).Single(s => s.Name == name);

    public Task<IReadOnlyList<TriggerOutcome>> TriggerAsync(SyncRow sync, CancellationToken cancellationToken, bool reset = false, bool emptyCache = false) =>
        Runs.ApplyTriggerAsync([sync], new TriggerRequest(reset, emptyCache, "test", null, Now), cancellationToken);

    public Task<ClaimedRun> ClaimOneAsync(CancellationToken cancellationToken) => ClaimOneAsync(30_000_000, cancellationToken);

    /// <summary>Claims one run; a lease of 0 is already expired when the reaper next looks, on either lease clock.</summary>
    public async Task<ClaimedRun> ClaimOneAsync(long leaseMicros, CancellationToken cancellationToken)
    {
        var claimed = await Runs.ClaimAsync("test-worker", 1, Now, leaseMicros, cancellationToken);
        return Assert.Single(claimed);
    }

    /// <summary>Completes one run through the group-commit path the engine uses; false when its lease was lost.</summary>
    public async Task<bool> CompleteAsync(RunCompletion completion, CancellationToken cancellationToken) =>
        (await Runs.CompleteManyAsync([completion], cancellationToken))[0];

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
