using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>Sync reads and schedule writes (<see cref="ISyncStore"/>), proven on both databases.</summary>
public abstract class SyncStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SetScheduleState_Pause_CancelsQueuedAndRunningRunsAndStopsScheduling()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        await h.TriggerAsync(contacts, Token);
        var running = await h.ClaimOneAsync(Token);
        await h.TriggerAsync(contacts, Token);

        var change = await h.Syncs.SetScheduleStateAsync([contacts.Id], paused: true, h.Now, Token);

        // Only the run it stopped running is named (to stop in-process, by id), not the queued one it cancelled.
        Assert.Equal(1, change.Changed);
        Assert.Equal([running.RunId], change.StoppedRunIds);
        Assert.False(await h.Runs.HeartbeatAsync(running.RunId, running.LeaseToken, h.Now, 30_000_000, Token));
        Assert.Empty(await h.Runs.ClaimAsync("w", 10, h.Now, 30_000_000, Token));
        h.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await h.Runs.EnqueueDueAsync(h.Now, 100, Token));
        Assert.Equal(ScheduleState.Paused, (await h.SyncAsync(connection, "contacts", Token)).ScheduleState);
    }

    [Fact]
    public async Task StartSchedulesOfIntegration_StartsTheNamedSyncsOfEveryConnection_InOneStatement_OrSaysNoneMatched()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var first = await h.CreateConnectionAsync("c1", Token);
        var second = await h.CreateConnectionAsync("c2", Token);
        var syncs = new[]
        {
            await h.SyncAsync(first, "contacts", Token), await h.SyncAsync(first, "deals", Token),
            await h.SyncAsync(second, "contacts", Token), await h.SyncAsync(second, "deals", Token),
        };
        await h.Syncs.SetScheduleStateAsync([.. syncs.Select(s => s.Id)], paused: true, h.Now, Token);

        var contacts = await h.Syncs.StartSchedulesOfIntegrationAsync(h.IntegrationId, [new SyncIdentifier("contacts", SyncIdentifier.BaseVariant)], NoWake, Token);
        var again = await h.Syncs.StartSchedulesOfIntegrationAsync(h.IntegrationId, [new SyncIdentifier("contacts", SyncIdentifier.BaseVariant)], NoWake, Token);
        var unknownName = await h.Syncs.StartSchedulesOfIntegrationAsync(h.IntegrationId, [new SyncIdentifier("no-such-sync", SyncIdentifier.BaseVariant), new SyncIdentifier("contacts", "no-such-variant")], NoWake, Token);
        var unknownIntegration = await h.Syncs.StartSchedulesOfIntegrationAsync(h.IntegrationId + 1000, null, NoWake, Token);

        Assert.Equal((2, 0), (contacts, again));
        Assert.Null(unknownName);
        Assert.Null(unknownIntegration);
        foreach (var connection in new[] { first, second })
        {
            Assert.Equal(ScheduleState.Started, (await h.SyncAsync(connection, "contacts", Token)).ScheduleState);
            Assert.Equal(ScheduleState.Paused, (await h.SyncAsync(connection, "deals", Token)).ScheduleState);
        }

        Assert.Equal(2, await h.Syncs.StartSchedulesOfIntegrationAsync(h.IntegrationId, null, NoWake, Token));
        Assert.Equal(ScheduleState.Started, (await h.SyncAsync(second, "deals", Token)).ScheduleState);
    }

    [Fact]
    public async Task StartSchedulesOfIntegration_CommitsInChunks_AndCallsBackAsEachChunkBecomesVisible()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connections = new[]
        {
            await h.CreateConnectionAsync("c1", Token), await h.CreateConnectionAsync("c2", Token), await h.CreateConnectionAsync("c3", Token),
        };
        var all = new List<SyncRow>();
        foreach (var connection in connections)
        {
            all.AddRange(await h.Syncs.GetSyncsAsync(connection.Id, Token));
        }

        await h.Syncs.SetScheduleStateAsync([.. all.Select(s => s.Id)], paused: true, h.Now, Token);
        var chunked = new SqlSyncStore(h.Database.Database, startChunk: 2);

        // Another reader, at the moment of each callback, sees the chunks committed so far and nothing more: each was
        // committed on its own (the scheduler can queue it), the next ones not yet. Every chunk calls back, so a
        // scheduler that caught up with the start hears of the next chunk instead of waiting for its next tick.
        var seenAtCallback = new List<int>();
        async Task CountStartedAsync(CancellationToken token)
        {
            var started = 0;
            foreach (var connection in connections)
            {
                started += (await h.Syncs.GetSyncsAsync(connection.Id, token)).Count(s => s.ScheduleState == ScheduleState.Started);
            }

            seenAtCallback.Add(started);
        }

        var changed = await chunked.StartSchedulesOfIntegrationAsync(h.IntegrationId, null, CountStartedAsync, Token);

        Assert.Equal(all.Count, changed);
        var chunks = (all.Count + 1) / 2;
        Assert.Equal(Enumerable.Range(1, chunks).Select(i => Math.Min(2 * i, all.Count)), seenAtCallback);
        foreach (var connection in connections)
        {
            Assert.All(await h.Syncs.GetSyncsAsync(connection.Id, Token), s => Assert.Equal(ScheduleState.Started, s.ScheduleState));
        }

        // Chunks of already started syncs change nothing and call nothing back; the walk still reaches the end.
        await h.Syncs.SetScheduleStateAsync([all[^1].Id], paused: true, h.Now, Token);
        seenAtCallback.Clear();
        Assert.Equal(1, await chunked.StartSchedulesOfIntegrationAsync(h.IntegrationId, null, CountStartedAsync, Token));
        Assert.Equal([all.Count], seenAtCallback);
        Assert.Equal(0, await chunked.StartSchedulesOfIntegrationAsync(h.IntegrationId, null, CountStartedAsync, Token));
        Assert.Single(seenAtCallback);
    }

    private static Task NoWake(CancellationToken cancellationToken) => Task.CompletedTask;

    [Fact]
    public async Task GetSyncTarget_LoadsTheSyncWithItsConnectionIntegrationAndConfig_OrNothingOnceTheConnectionIsGone()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);

        var target = await h.Syncs.GetSyncTargetAsync(sync.Id, Token);

        Assert.NotNull(target);
        Assert.Equal(sync with { Models = target.Sync.Models }, target.Sync);
        Assert.Equal(sync.Models, target.Sync.Models);
        Assert.Equal(connection.Id, target.Connection.Id);
        Assert.Equal("c1", target.Connection.ConnectionId);
        Assert.Equal(h.IntegrationId, target.Integration.Id);
        Assert.Equal(sync.SyncConfigId, target.Config.Id);
        Assert.Equal("deals", target.Config.Name);

        // The run's credentials come with its target, as the refresh path's own read gives them.
        Assert.Equal(
            await new SqlConnectionCredentialStore(h.Database.Database).GetAsync(connection.Id, Token),
            target.Credentials,
            StoredCredentialsComparer.Instance);
        Assert.Null(await h.Syncs.GetSyncTargetAsync("no-such-sync", Token));

        Assert.NotNull(await h.Connections.DeleteAsync(connection.Id, h.Now, Token));
        Assert.Null(await h.Syncs.GetSyncTargetAsync(sync.Id, Token));
    }
}

/// <summary>Equal stored credentials: the encrypted bytes compared by content.</summary>
internal sealed class StoredCredentialsComparer : IEqualityComparer<StoredCredentials?>
{
    public static readonly StoredCredentialsComparer Instance = new();

    public bool Equals(StoredCredentials? x, StoredCredentials? y) =>
        x is null || y is null
            ? x is null && y is null
            : x.EncryptedCredentials.AsSpan().SequenceEqual(y.EncryptedCredentials) && x with { EncryptedCredentials = y.EncryptedCredentials } == y;

    public int GetHashCode(StoredCredentials? obj) => obj?.ConnectionDbId.GetHashCode() ?? 0;
}

public sealed class SqliteSyncStoreTests : SyncStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresSyncStoreTests : SyncStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
