using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The stores of <see cref="StoreHarness"/> plus what records-cache tests need: a <c>tickets</c> sync (full, with the
/// deprecated <c>track_deletes</c> flag) next to the harness's syncs, runs claimed one at a time, engine
/// <see cref="EngineSyncContext"/>s over the real stores, and raw reads of columns the API does not show.
/// </summary>
internal sealed class RecordsTestbed : IAsyncDisposable
{
    private RecordsTestbed(StoreHarness harness, Connection connection)
    {
        H = harness;
        Connection = connection;
    }

    public StoreHarness H { get; }

    public Connection Connection { get; }

    public Database Database => H.Database.Database;

    /// <param name="extraSyncs">More syncs of the <c>demo</c> integration (e.g. one per concurrent writer).</param>
    public static async Task<RecordsTestbed> CreateAsync(TestDialect dialect, CancellationToken cancellationToken, IReadOnlyList<SyncConfigDeployment>? extraSyncs = null)
    {
        var harness = await StoreHarness.CreateAsync(dialect, cancellationToken);
        await harness.Deployments.ApplyConfigAsync(
            harness.EnvironmentId,
            [
                new IntegrationDeployment("demo", "sample-data", null, null,
                [
                    new SyncConfigDeployment("contacts", "sample-data", ["Contact", "Company"], "every 1h", 3_600_000, true, "incremental", false),
                    new SyncConfigDeployment("deals", "sample-data", ["Deal"], "every 1h", 3_600_000, false, "incremental", false),
                    new SyncConfigDeployment("tickets", "sample-data", ["Ticket", "Agent"], "every 1h", 3_600_000, false, "full", true),
                    .. extraSyncs ?? [],
                ]),
            ],
            cancellationToken);
        var connection = await harness.CreateConnectionAsync("c1", cancellationToken);
        return new RecordsTestbed(harness, connection);
    }

    /// <summary>Triggers <paramref name="syncName"/> and claims its run (tests run one sync at a time).</summary>
    public async Task<TestRun> StartRunAsync(string syncName, CancellationToken cancellationToken, string? variant = null)
    {
        var sync = await H.SyncAsync(Connection, syncName, cancellationToken);
        await H.TriggerAsync(sync, cancellationToken);
        var claimed = await H.ClaimOneAsync(cancellationToken);
        var integration = (await H.Integrations.GetAsync(H.EnvironmentId, Connection.ProviderConfigKey, cancellationToken))!;
        var config = (await H.Integrations.GetSyncConfigsAsync(integration.Id, cancellationToken)).Single(c => c.Id == sync.SyncConfigId);

        // A variant's run differs from the base one only in the sync row's variant (model full names, keys).
        var row = variant is null ? sync : sync with { Variant = variant };
        var target = new RunTarget(claimed, row, Connection, config, integration);
        return new TestRun(target, new RunCounts(config.Models, claimed.ResultJson));
    }

    public async Task FinishRunAsync(TestRun run, bool succeeded, CancellationToken cancellationToken) =>
        Assert.True(await H.CompleteAsync(
            new RunCompletion(run.Fence, run.Target.Sync.Id, succeeded, run.Counts.ToJson(), succeeded ? null : "failed on purpose", H.Now, null),
            cancellationToken));

    public EngineSyncContext Context(TestRun run, ListLogger? logger = null, IRecordStore? records = null) =>
        new(run.Target, records ?? H.Records, H.Checkpoints, run.Counts, new HttpClient(), logger ?? new ListLogger(), H.Time, CancellationToken.None);

    /// <summary>A write of another sync's run into <paramref name="model"/> (e.g. a webhook function writing concurrently).</summary>
    public RecordWrite Write(TestRun run, string model, bool markSeen = false, long? guard = null) =>
        new(run.Fence, Connection.Id, model, H.Now, _ => "{}", markSeen, guard);

    public async Task<long> SeenRunAsync(string model, string id, CancellationToken cancellationToken) =>
        await ScalarAsync<long>("SELECT seen_run FROM records WHERE connection_id = @c AND model = @m AND external_id = @e", model, id, cancellationToken);

    public async Task<string> RawPayloadAsync(string model, string id, CancellationToken cancellationToken) =>
        await ScalarAsync<string>("SELECT payload FROM records WHERE connection_id = @c AND model = @m AND external_id = @e", model, id, cancellationToken);

    public async Task<string> RawHashAsync(string model, string id, CancellationToken cancellationToken, long? connectionDbId = null) =>
        await ScalarAsync<string>("SELECT data_hash FROM records WHERE connection_id = @c AND model = @m AND external_id = @e", model, id, cancellationToken, connectionDbId);

    /// <summary>Overwrites a row's stored payload and hash, as someone with write access to the database could.</summary>
    public async Task SetRawAsync(string model, string id, string payload, string hash, CancellationToken cancellationToken, long? connectionDbId = null)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE records SET payload = @p, data_hash = @h WHERE connection_id = @c AND model = @m AND external_id = @e")
            .With("p", payload).With("h", hash).With("c", connectionDbId ?? Connection.Id).With("m", model).With("e", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(cancellationToken));
    }

    /// <summary>The row's physical version: PostgreSQL's xmin changes on any write, even one that changes no value.</summary>
    public async Task<string> RowVersionAsync(string model, string id, CancellationToken cancellationToken) =>
        Database.Dialect.IsPostgres
            ? await ScalarAsync<string>("SELECT xmin::text FROM records WHERE connection_id = @c AND model = @m AND external_id = @e", model, id, cancellationToken)
            : string.Empty;

    public async Task<IReadOnlyList<StoredRecord>> ReadAllAsync(string model, CancellationToken cancellationToken, RecordFilter filter = RecordFilter.None, long? after = null) =>
        (await H.Records.ReadPageAsync(new RecordPageQuery(Connection.Id, model, after, null, filter, [], 10_000), cancellationToken)).Records;

    public async Task<StoredRecord> ReadAsync(string model, string id, CancellationToken cancellationToken) =>
        Assert.Single((await H.Records.ReadPageAsync(new RecordPageQuery(Connection.Id, model, null, null, RecordFilter.None, [id], 10), cancellationToken)).Records);

    public ValueTask DisposeAsync() => H.DisposeAsync();

    private async Task<T> ScalarAsync<T>(string sql, string model, string id, CancellationToken cancellationToken, long? connectionDbId = null)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command(sql).With("c", connectionDbId ?? Connection.Id).With("m", model).With("e", id);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A claimed run with what its context needs.</summary>
internal sealed record TestRun(RunTarget Target, RunCounts Counts)
{
    public RunFence Fence => Target.Fence;

    public long RunId => Target.Run.RunId;
}

/// <summary>Collects log messages, to assert on what a run reports.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
