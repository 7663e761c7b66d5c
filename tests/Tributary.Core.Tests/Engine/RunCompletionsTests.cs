using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

public sealed class RunCompletionsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ACompletionWithNothingInFlight_IsWrittenAtOnce_Alone()
    {
        var store = new FakeBatches();
        var completions = new RunCompletions(store.WriteAsync, NullLogger<RunCompletions>.Instance);

        var done = completions.CompleteAsync(Completion(1));
        var batch = await store.NextBatchAsync();
        batch.Release(id => true);

        Assert.Equal(new long[] { 1 }, batch.RunIds);
        Assert.True(await done.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CompletionsArrivingDuringACommit_ShareTheNextOne_EachGettingItsOwnAnswer()
    {
        var store = new FakeBatches();
        var completions = new RunCompletions(store.WriteAsync, NullLogger<RunCompletions>.Instance);
        var first = completions.CompleteAsync(Completion(1));
        var inFlight = await store.NextBatchAsync();

        var waiting = Enumerable.Range(2, 5).Select(id => completions.CompleteAsync(Completion(id))).ToList();
        inFlight.Release(id => true);
        var shared = await store.NextBatchAsync();
        shared.Release(id => id % 2 == 0);

        Assert.True(await first.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(new long[] { 2, 3, 4, 5, 6 }, shared.RunIds);
        Assert.Equal(new[] { true, false, true, false, true }, await Task.WhenAll(waiting).WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ABatchThatFails_IsRetriedOneByOne_SoOnlyTheBadCompletionFails()
    {
        var store = new FakeBatches();
        var completions = new RunCompletions(store.WriteAsync, NullLogger<RunCompletions>.Instance);
        var first = completions.CompleteAsync(Completion(1));
        var inFlight = await store.NextBatchAsync();
        var good = completions.CompleteAsync(Completion(2));
        var bad = completions.CompleteAsync(Completion(3));
        inFlight.Release(id => true);

        (await store.NextBatchAsync()).Fail();
        var retries = new List<FakeBatches.Batch> { await store.NextBatchAsync() };
        retries[0].Release(id => true);
        retries.Add(await store.NextBatchAsync());
        retries[1].Fail();

        Assert.True(await first.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal("2|3", string.Join('|', retries.Select(r => string.Join(',', r.RunIds))));
        Assert.True(await good.WaitAsync(Wait, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    private static RunCompletion Completion(long runId) => new(new RunFence(runId, 7), $"sync-{runId}", true, "{}", null, 1, null);

    /// <summary>A store whose batches wait until the test answers them, one at a time, in order.</summary>
    private sealed class FakeBatches
    {
        private readonly System.Threading.Channels.Channel<Batch> _batches = System.Threading.Channels.Channel.CreateUnbounded<Batch>();

        public Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<RunCompletion> completions, CancellationToken cancellationToken)
        {
            var batch = new Batch([.. completions.Select(c => c.Fence.RunId)]);
            _batches.Writer.TryWrite(batch);
            return batch.Answer.Task;
        }

        public async Task<Batch> NextBatchAsync() => await _batches.Reader.ReadAsync().AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

        public sealed class Batch(IReadOnlyList<long> runIds)
        {
            public IReadOnlyList<long> RunIds { get; } = runIds;

            public TaskCompletionSource<IReadOnlyList<bool>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Release(Func<long, bool> leaseHeld) => Answer.SetResult([.. RunIds.Select(leaseHeld)]);

            public void Fail() => Answer.SetException(new InvalidOperationException("the database said no"));
        }
    }
}
