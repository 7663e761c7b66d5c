using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
        var completions = new RunCompletions(store.WriteAsync, TestTransientErrors.Instance, TimeProvider.System, NullLogger<RunCompletions>.Instance);

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
        var completions = new RunCompletions(store.WriteAsync, TestTransientErrors.Instance, TimeProvider.System, NullLogger<RunCompletions>.Instance);
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
        var completions = new RunCompletions(store.WriteAsync, TestTransientErrors.Instance, TimeProvider.System, NullLogger<RunCompletions>.Instance);
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

    [Fact]
    public async Task ABatchThatMeetsATransientError_IsRetriedWhole_AfterABackoff()
    {
        var store = new FakeBatches();
        var time = new FakeTimeProvider();
        var completions = new RunCompletions(store.WriteAsync, TestTransientErrors.Instance, time, NullLogger<RunCompletions>.Instance);
        var first = completions.CompleteAsync(Completion(1));
        var inFlight = await store.NextBatchAsync();
        var waiting = new[] { completions.CompleteAsync(Completion(2)), completions.CompleteAsync(Completion(3)) };
        inFlight.Release(id => true);

        (await store.NextBatchAsync()).Fail(new TransientTestException("connection reset"));
        Assert.False(await store.HasBatchWithinAsync(TimeSpan.FromMilliseconds(200)), "retried without waiting");
        var retry = await store.NextBatchAdvancingAsync(time, RunCompletions.FirstRetry);
        retry.Release(id => true);

        Assert.True(await first.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(new long[] { 2, 3 }, retry.RunIds);
        Assert.Equal(new[] { true, true }, await Task.WhenAll(waiting).WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ABatchThatKeepsMeetingTransientErrors_IsRetriedABoundedNumberOfTimes_ThenOneByOne()
    {
        var store = new FakeBatches();
        var time = new FakeTimeProvider();
        var completions = new RunCompletions(store.WriteAsync, TestTransientErrors.Instance, time, NullLogger<RunCompletions>.Instance);
        var first = completions.CompleteAsync(Completion(1));
        var inFlight = await store.NextBatchAsync();
        var waiting = new[] { completions.CompleteAsync(Completion(2)), completions.CompleteAsync(Completion(3)) };
        inFlight.Release(id => true);

        var whole = new List<FakeBatches.Batch> { await store.NextBatchAsync() };
        for (var retry = 0; retry < RunCompletions.MaxTransientRetries; retry++)
        {
            whole[^1].Fail(new TransientTestException("still down"));
            whole.Add(await store.NextBatchAdvancingAsync(time, RunCompletions.MaxRetryDelay));
        }

        whole[^1].Fail(new TransientTestException("still down"));
        Assert.All(whole, batch => Assert.Equal(new long[] { 2, 3 }, batch.RunIds));

        (await store.NextBatchAsync()).Release(id => true);
        var last = await store.NextBatchAsync();
        last.Fail(new TransientTestException("still down"));

        Assert.True(await first.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.True(await waiting[0].WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(new long[] { 3 }, last.RunIds);
        await Assert.ThrowsAsync<TransientTestException>(() => waiting[1].WaitAsync(Wait, TestContext.Current.CancellationToken));
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

        /// <summary>The next batch, moving the fake clock on (in case a backoff waits on it) until it comes.</summary>
        public async Task<Batch> NextBatchAdvancingAsync(FakeTimeProvider time, TimeSpan step)
        {
            for (var i = 0; i < 200 && !await HasBatchWithinAsync(TimeSpan.FromMilliseconds(20)); i++)
            {
                time.Advance(step);
            }

            return await NextBatchAsync();
        }

        /// <summary>Whether a batch is written within <paramref name="realTime"/> (it stays queued for <see cref="NextBatchAsync"/>).</summary>
        public async Task<bool> HasBatchWithinAsync(TimeSpan realTime)
        {
            try
            {
                return await _batches.Reader.WaitToReadAsync().AsTask().WaitAsync(realTime, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public sealed class Batch(IReadOnlyList<long> runIds)
        {
            public IReadOnlyList<long> RunIds { get; } = runIds;

            public TaskCompletionSource<IReadOnlyList<bool>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Release(Func<long, bool> leaseHeld) => Answer.SetResult([.. RunIds.Select(leaseHeld)]);

            public void Fail() => Fail(new InvalidOperationException("the database said no"));

            public void Fail(Exception error) => Answer.SetException(error);
        }
    }
}
