using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

/// <summary>
/// A cancel stops only the run it cancelled: never another run of the same sync executing in this process (the
/// in-process cancellations were once keyed by sync, so cancelling a queued follow-up or a finished run stopped the
/// running one, which then lay "running" until the reaper gave it an extra attempt).
/// </summary>
public sealed class RunCancelIsolationTests
{
    /// <summary>
    /// Short, so that a run stopped by mistake is reaped and claimed again within a test; not shorter, so that a
    /// loaded machine's late heartbeat does not lose a healthy run's lease.
    /// </summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>About ten seconds of batches: the run outlives a lease and more after the cancel.</summary>
    private static readonly JsonObject Slow = new() { ["records"] = 400, ["batch_size"] = 10, ["delay_ms_per_batch"] = 250 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task CancelQueuedFollowUp_TheRunningRunOfTheSyncGoesOnAndSucceedsInOneAttempt(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.LeaseDuration = Lease);
        await server.CreateConnectionAsync("slow", (JsonObject)Slow.DeepClone(), Token);
        var runningId = await server.TriggerAsync("slow", "deals", Token);
        await SyncFlowTests.WaitForStateAsync(server, runningId, "running");
        var followUpId = await server.TriggerAsync("slow", "deals", Token);
        Assert.NotEqual(runningId, followUpId);

        var cancelled = await server.Client.SendAsync(HttpMethod.Post, $"runs/{followUpId}/cancel", null, null, Token);

        Assert.Equal("cancelled", (string?)cancelled!["state"]);
        await AssertStaysOnItsFirstAttemptAsync(server, runningId, Lease + TimeSpan.FromSeconds(1.5));
        var running = await server.WaitForRunAsync(runningId, Token);
        Assert.Equal(("succeeded", 1), ((string?)running["state"], (int)running["attempts"]!));
        Assert.Equal("cancelled", (string?)(await server.Client.GetRunAsync(followUpId, Token))!["state"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task CancelFinishedRun_TheRunningRunOfTheSyncGoesOnAndSucceedsInOneAttempt(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.LeaseDuration = Lease);
        await server.CreateConnectionAsync("slow", new JsonObject { ["records"] = 400, ["batch_size"] = 400 }, Token);
        var finishedId = await server.TriggerAsync("slow", "deals", Token);
        Assert.Equal("succeeded", (string?)(await server.WaitForRunAsync(finishedId, Token))["state"]);

        // The next generation rewrites every record, ten at a time, slowly.
        var slow = (JsonObject)Slow.DeepClone();
        slow["change_rate"] = 1.0;
        await server.Client.SendAsync(
            HttpMethod.Post,
            "connections/metadata",
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "slow", ["metadata"] = slow },
            null,
            Token);
        var runningId = await server.TriggerAsync("slow", "deals", Token);
        await SyncFlowTests.WaitForStateAsync(server, runningId, "running");

        var answered = await server.Client.SendAsync(HttpMethod.Post, $"runs/{finishedId}/cancel", null, null, Token);

        Assert.Equal("succeeded", (string?)answered!["state"]);
        await AssertStaysOnItsFirstAttemptAsync(server, runningId, Lease + TimeSpan.FromSeconds(1.5));
        var running = await server.WaitForRunAsync(runningId, Token);
        Assert.Equal(("succeeded", 1), ((string?)running["state"], (int)running["attempts"]!));
    }

    /// <summary>
    /// A reset commits (old run cancelled, restart queued) and the restart is claimed and executing here before the
    /// trigger's caller stops the old run: the caller must stop the old run, not the restart.
    /// </summary>
    /// <remarks>
    /// Deterministic: the run queue holds the reset's answer until the restart's first heartbeat, which the executor
    /// starts only after registering the run's cancellation.
    /// </remarks>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Reset_WhoseRestartIsClaimedBeforeTheOldRunIsStopped_StopsOnlyTheOldRun(TestDialect dialect)
    {
        var hold = new HoldResetUntilRestartHeartbeats();
        await using var server = await TestServer.StartAsync(
            dialect,
            Token,
            engine: e => e.LeaseDuration = Lease,
            services: services => services.AddSingleton<IRunQueueStore>(sp =>
                hold.Wrap(ActivatorUtilities.CreateInstance<SqlRunQueueStore>(sp))));
        await server.CreateConnectionAsync("slow", (JsonObject)Slow.DeepClone(), Token);
        var oldId = await server.TriggerAsync("slow", "deals", Token);
        await SyncFlowTests.WaitForStateAsync(server, oldId, "running");

        var restart = await server.Client.TriggerAsync(SyncFlowTests.Body("slow", "deals", reset: true), Token);

        Assert.Equal("restarted", (string?)restart!["runs"]![0]!["outcome"]);
        var restartId = (string)restart["runs"]![0]!["run_id"]!;
        Assert.True(hold.Held, "the restart was executing before the trigger stopped the old run");
        await AssertStaysOnItsFirstAttemptAsync(server, restartId, Lease + TimeSpan.FromSeconds(1.5));
        var restarted = await server.WaitForRunAsync(restartId, Token);
        Assert.Equal(("succeeded", 1), ((string?)restarted["state"], (int)restarted["attempts"]!));
        Assert.Equal("cancelled", (string?)(await server.WaitForRunAsync(oldId, Token))["state"]);
    }

    /// <summary>The run stays running on its first attempt for the whole <paramref name="span"/> (longer than a lease).</summary>
    private static async Task AssertStaysOnItsFirstAttemptAsync(TestServer server, string runId, TimeSpan span)
    {
        var until = TimeProvider.System.GetTimestamp() + (long)(span.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < until)
        {
            var run = await server.Client.GetRunAsync(runId, Token);
            Assert.Equal(("running", 1), ((string?)run!["state"], (int)run["attempts"]!));
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
    }

    /// <summary>
    /// A run queue whose reset trigger answers only once its restart has heartbeated (is executing, its cancellation
    /// registered) in this process, at most 30 s.
    /// </summary>
    private sealed class HoldResetUntilRestartHeartbeats
    {
        private readonly TaskCompletionSource<long> _restart = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _heartbeat = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Held { get; private set; }

        public IRunQueueStore Wrap(IRunQueueStore inner) => new Store(inner, this);

        private sealed class Store(IRunQueueStore inner, HoldResetUntilRestartHeartbeats owner) : ForwardingRunQueueStore(inner)
        {
            public override async Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken)
            {
                var outcomes = await Inner.ApplyTriggerAsync(targets, request, cancellationToken);
                if (outcomes is [{ Outcome: TriggerOutcomes.Restarted } restart])
                {
                    owner._restart.TrySetResult(restart.RunId);
                    await owner._heartbeat.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, cancellationToken);
                    owner.Held = true;
                }

                return outcomes;
            }

            public override async Task<bool> HeartbeatAsync(long runId, long leaseToken, long now, long leaseMicros, CancellationToken cancellationToken)
            {
                var alive = await Inner.HeartbeatAsync(runId, leaseToken, now, leaseMicros, cancellationToken);
                if (owner._restart.Task.IsCompleted && owner._restart.Task.Result == runId && alive)
                {
                    owner._heartbeat.TrySetResult();
                }

                return alive;
            }
        }
    }
}
