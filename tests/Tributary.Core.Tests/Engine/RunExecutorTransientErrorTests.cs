using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

/// <summary>
/// What a run does with an error: a transient storage error sends it back to the queue after a backoff (its lease
/// held meanwhile) and never fails it; any other error fails it with its message.
/// </summary>
public sealed class RunExecutorTransientErrorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ATransientStorageError_HandsTheRunBackAfterABackoff_AndDoesNotFailIt()
    {
        var harness = new Harness(new TransientTestException("connection refused"));

        var execution = harness.Executor.ExecuteAsync(Harness.Run, CancellationToken.None);
        Assert.False(await Completes(execution, TimeSpan.FromMilliseconds(200)), "handed back without a backoff");
        Assert.Empty(harness.Queue.Released);

        await Clock.AdvanceUntilAsync(harness.Time, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), () => execution.IsCompleted);
        await execution.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal([new RunFence(Harness.Run.RunId, Harness.Run.LeaseToken)], harness.Queue.Released);
        Assert.Empty(harness.Completions);
    }

    [Fact]
    public async Task AnErrorThatIsNotTransient_FailsTheRunWithItsMessage()
    {
        var harness = new Harness(new InvalidOperationException("the function's own bug"));

        await harness.Executor.ExecuteAsync(Harness.Run, CancellationToken.None).WaitAsync(Wait, TestContext.Current.CancellationToken);

        var completion = Assert.Single(harness.Completions);
        Assert.False(completion.Succeeded);
        Assert.Contains("the function's own bug", completion.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Queue.Released);
    }

    private static async Task<bool> Completes(Task task, TimeSpan realTime) =>
        await Task.WhenAny(task, Task.Delay(realTime, TimeProvider.System, TestContext.Current.CancellationToken)) == task;

    private sealed class Harness
    {
        public static readonly ClaimedRun Run = new(9, 3, "sync-1", 1, false, false, false, "manual", 0, null);

        public Harness(Exception loadError)
        {
            Time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
            var completions = new RunCompletions(
                (batch, _) =>
                {
                    Completions.AddRange(batch);
                    return Task.FromResult<IReadOnlyList<bool>>([.. batch.Select(_ => true)]);
                },
                TestTransientErrors.Instance,
                Time,
                NullLogger<RunCompletions>.Instance);
            Executor = new RunExecutor(
                new FailingSyncs(loadError),
                Queue,
                completions,
                null!,
                null!,
                new SyncFunctionRegistry(),
                null!,
                null!,
                new RunCancellations(),
                null!,
                TestTransientErrors.Instance,
                null!,
                new EngineOptions(),
                Time,
                NullLoggerFactory.Instance);
        }

        public FakeTimeProvider Time { get; }

        public ScriptedRunQueue Queue { get; } = new();

        public List<RunCompletion> Completions { get; } = [];

        public RunExecutor Executor { get; }
    }

    /// <summary>A sync store whose every read fails as given (the run meets it loading its target).</summary>
    private sealed class FailingSyncs(Exception error) : ISyncStore
    {
        public Task<SyncTarget?> GetSyncTargetAsync(string syncId, CancellationToken cancellationToken) => Task.FromException<SyncTarget?>(error);

        public Task<IReadOnlyList<SyncRow>> GetSyncsAsync(long connectionDbId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SyncRow>> GetSyncsOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? only, int? limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<ScheduleStateChange> SetScheduleStateAsync(IReadOnlyList<string> syncIds, bool paused, long now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<int?> StartSchedulesOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? syncs, Func<CancellationToken, Task> chunkStarted, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task SetFrequencyAsync(string syncId, string? frequencyOverride, long frequencyMs, long now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
