using Tributary.Core.Ports;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Deleting connections (<see cref="IConnectionStore"/>) and integrations (<see cref="IIntegrationStore"/>): one
/// cascade behind both, proven on both databases.
/// </summary>
public abstract class ConnectionStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_StopsItsRunningRunAndRemovesWhatItOwns_LeavingOtherConnectionsAlone()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var doomed = await h.CreateConnectionAsync("c1", Token);
        var kept = await h.CreateConnectionAsync("c2", Token);
        var (running, fence) = await StartWithDataAsync(h, doomed);
        await h.TriggerAsync(await h.SyncAsync(doomed, "contacts", Token), Token);

        // Only the run it stopped running is answered (to stop in-process, by id), not the queued one it cancelled.
        var stopped = await h.Connections.DeleteAsync(doomed.Id, h.Now, Token);

        Assert.Equal([running.RunId], stopped);
        Assert.False(await h.Runs.HeartbeatAsync(running.RunId, running.LeaseToken, h.Now, 30_000_000, Token));
        Assert.Null(await h.Connections.GetByIdAsync(doomed.Id, Token));
        Assert.Empty(await h.Syncs.GetSyncsAsync(doomed.Id, Token));
        Assert.Null(await h.Checkpoints.GetAsync(doomed.Id, "sync:deals:base", Token));
        Assert.Empty((await h.Records.ReadPageAsync(new RecordPageQuery(doomed.Id, "Deal", null, null, RecordFilter.None, [], 10), Token)).Records);
        Assert.Null(await h.History.GetRunAsync(h.EnvironmentId, fence.RunId, Token));
        Assert.Equal(2, (await h.Syncs.GetSyncsAsync(kept.Id, Token)).Count);
        Assert.Null(await h.Connections.DeleteAsync(doomed.Id, h.Now, Token));
    }

    [Fact]
    public async Task DeleteIntegration_RemovesEachConnectionWithTheSameCascade_AndTheIntegration()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var first = await h.CreateConnectionAsync("c1", Token);
        var second = await h.CreateConnectionAsync("c2", Token);
        var (running, _) = await StartWithDataAsync(h, first);
        await h.TriggerAsync(await h.SyncAsync(second, "contacts", Token), Token);
        var syncIds = (await h.Syncs.GetSyncsOfIntegrationAsync(h.IntegrationId, null, null, Token)).Select(s => s.Id).ToList();

        var stopped = await h.Integrations.DeleteAsync(h.IntegrationId, h.Now, Token);

        Assert.Equal(4, syncIds.Count);
        Assert.Equal([running.RunId], stopped);
        Assert.Empty((await h.Syncs.GetSyncsOfIntegrationAsync(h.IntegrationId, null, null, Token)));
        Assert.False(await h.Runs.HeartbeatAsync(running.RunId, running.LeaseToken, h.Now, 30_000_000, Token));
        Assert.Null(await h.Connections.GetByIdAsync(first.Id, Token));
        Assert.Null(await h.Connections.GetByIdAsync(second.Id, Token));
        Assert.Empty((await h.Records.ReadPageAsync(new RecordPageQuery(first.Id, "Deal", null, null, RecordFilter.None, [], 10), Token)).Records);
        Assert.Null(await h.Integrations.GetAsync(h.EnvironmentId, "demo", Token));
        Assert.Empty(await h.Integrations.GetSyncConfigsAsync(h.IntegrationId, Token));
    }

    [Fact]
    public async Task RecordsPage_WithAnOwnerTheIdNoLongerBelongsTo_ReadsNothing()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await StartWithDataAsync(h, connection);
        var query = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 10);

        async Task<int> CountAsync(RecordPageOwner owner)
        {
            var rows = 0;
            await foreach (var _ in h.Records.StreamPageAsync(query with { Owner = owner }, Token))
            {
                rows++;
            }

            return rows;
        }

        Assert.Equal(1, await CountAsync(new RecordPageOwner(h.EnvironmentId, "demo", "c1")));
        Assert.Equal(0, await CountAsync(new RecordPageOwner(h.EnvironmentId, "demo", "c2")));
        Assert.Equal(0, await CountAsync(new RecordPageOwner(h.EnvironmentId + 1, "demo", "c1")));
        Assert.Equal(0, await CountAsync(new RecordPageOwner(h.EnvironmentId, "other", "c1")));
        Assert.Empty((await h.Records.ReadPageAsync(query with { Owner = new RecordPageOwner(h.EnvironmentId, "demo", "c2") }, Token)).Records);
    }

    /// <summary>Claims a run of the connection's deals sync that saved a checkpoint and wrote a record.</summary>
    private static async Task<(ClaimedRun Run, RunFence Fence)> StartWithDataAsync(StoreHarness h, Tributary.Core.Domain.Connection connection)
    {
        await h.TriggerAsync(await h.SyncAsync(connection, "deals", Token), Token);
        var running = await h.ClaimOneAsync(Token);
        var fence = new RunFence(running.RunId, running.LeaseToken);
        await h.Checkpoints.SaveAsync(fence, connection.Id, "sync:deals:base", new() { ["page"] = 1 }, null, h.Now, Token);
        await h.Records.UpsertAsync(new RecordWrite(fence, connection.Id, "Deal", h.Now, _ => "{}"), [new PreparedRecord("d1", "{\"id\":\"d1\"}", "h1")], Token);
        Assert.Single((await h.Records.ReadPageAsync(new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 10), Token)).Records);
        return (running, fence);
    }
}

public sealed class SqliteConnectionStoreTests : ConnectionStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresConnectionStoreTests : ConnectionStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
