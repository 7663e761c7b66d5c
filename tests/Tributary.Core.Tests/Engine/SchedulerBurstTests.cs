using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

/// <summary>
/// While the scheduler queues a backlog (a tick whose first batch is full), this process's worker holds its claims,
/// for at most <see cref="SchedulerBurst.MaxHold"/>; an ordinary tick never holds it.
/// </summary>
public sealed class SchedulerBurstTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void NoBurst_TheWorkerIsNotHeld()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());

        Assert.True(burst.WaitAsync(Token).IsCompletedSuccessfully);
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task ABurst_HoldsTheWorkerUntilItEnds()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());
        burst.Begin();

        var held = burst.WaitAsync(Token);
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token); // a real pause: nothing may release it
        Assert.False(held.IsCompleted);

        burst.End();
        await held.WaitAsync(TimeSpan.FromSeconds(5), Token);
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task ABurstLongerThanMaxHold_ReleasesTheWorkerAfterMaxHold_AndNoLongerHoldsIt()
    {
        var time = new FakeTimeProvider();
        var burst = new SchedulerBurst(time);
        burst.Begin();

        var held = burst.WaitAsync(Token);
        time.Advance(SchedulerBurst.MaxHold - TimeSpan.FromSeconds(1));
        Assert.False(held.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await held.WaitAsync(TimeSpan.FromSeconds(5), Token);

        // The burst goes on, but a worker that waited MaxHold is not held again by it.
        Assert.True(burst.InProgress);
        Assert.True(burst.WaitAsync(Token).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ATickWithABacklog_HoldsTheWorkerWhileItsBatchesRun_AndReleasesItAtTheEnd()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());
        var queue = new ScriptedRunQueue();
        var answers = new Queue<int>([1000, 1000, 7]);
        var heldDuringBatch = new List<bool>();
        queue.EnqueueDue = limit =>
        {
            Assert.Equal(1000, limit);
            heldDuringBatch.Add(burst.InProgress);
            return answers.Dequeue();
        };
        var scheduler = Scheduler(queue, burst);

        Assert.Equal(2007, await scheduler.TickAsync(Token));

        // The first batch found the backlog; the next two ran with the worker held; the tick's end released it.
        Assert.Equal([false, true, true], heldDuringBatch);
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task AnOrdinaryTick_NeverHoldsTheWorker()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());
        var queue = new ScriptedRunQueue();
        var heldDuringBatch = new List<bool>();
        queue.EnqueueDue = _ =>
        {
            heldDuringBatch.Add(burst.InProgress);
            return 12;
        };

        Assert.Equal(12, await Scheduler(queue, burst).TickAsync(Token));
        Assert.Equal([false], heldDuringBatch);
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task ATickThatFailsMidBurst_ReleasesTheWorker()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());
        var queue = new ScriptedRunQueue();
        var calls = 0;
        queue.EnqueueDue = _ => ++calls == 1 ? 1000 : throw new InvalidOperationException("the database went away");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Scheduler(queue, burst).TickAsync(Token));
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task ATickWithABacklog_TidiesTheDatabaseOnce_AfterReleasingTheWorker()
    {
        var burst = new SchedulerBurst(new FakeTimeProvider());
        var queue = new ScriptedRunQueue();
        var answers = new Queue<int>([1000, 1000, 7]);
        queue.EnqueueDue = _ => answers.Dequeue();
        var heldDuringUpkeep = new List<bool>();
        var upkeep = new CountingUpkeep { OnCall = () => heldDuringUpkeep.Add(burst.InProgress) };

        Assert.Equal(2007, await Scheduler(queue, burst, upkeep).TickAsync(Token));

        // Once per burst, not per batch, and with the worker already claiming again.
        Assert.Equal(1, upkeep.Calls);
        Assert.Equal([false], heldDuringUpkeep);
    }

    [Fact]
    public async Task AnOrdinaryTick_DoesNotTidy()
    {
        var queue = new ScriptedRunQueue { EnqueueDue = _ => 999 };
        var upkeep = new CountingUpkeep();

        Assert.Equal(999, await Scheduler(queue, new SchedulerBurst(new FakeTimeProvider()), upkeep).TickAsync(Token));
        Assert.Equal(0, upkeep.Calls);
    }

    [Fact]
    public async Task AFailedTidyUp_DoesNotFailTheTick()
    {
        var answers = new Queue<int>([1000, 3]);
        var queue = new ScriptedRunQueue { EnqueueDue = _ => answers.Dequeue() };
        var upkeep = new CountingUpkeep { OnCall = () => throw new InvalidOperationException("permission denied to vacuum syncs") };

        Assert.Equal(1003, await Scheduler(queue, new SchedulerBurst(new FakeTimeProvider()), upkeep).TickAsync(Token));
        Assert.Equal(1, upkeep.Calls);
    }

    [Fact]
    public async Task ABacklogTickWokenByAStart_ThatCatchesUpWithIt_GoesOnWithTheNextChunk_WithTheWorkerHeldAndOneTidyUp()
    {
        // The start's first chunk woke the tick; its batches queue it faster than the start commits the next chunk, so
        // the third batch finds nothing due. The next chunk's poke arrives while the tick waits for it.
        var burst = new SchedulerBurst(new FakeTimeProvider());
        var signal = new SchedulerSignal();
        var time = new FakeTimeProvider();
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answers = new Queue<int>([1000, 1000, 0, 1000, 1000, 0]);
        var heldDuringBatch = new List<bool>();
        var queue = new ScriptedRunQueue
        {
            EnqueueDue = _ =>
            {
                heldDuringBatch.Add(burst.InProgress);
                var answer = answers.Dequeue();
                if (heldDuringBatch.Count == 3)
                {
                    caughtUp.SetResult();
                }

                return answer;
            },
        };
        var heldDuringUpkeep = new List<bool>();
        var upkeep = new CountingUpkeep { OnCall = () => heldDuringUpkeep.Add(burst.InProgress) };
        var scheduler = Scheduler(queue, burst, upkeep, signal, time);

        var tick = scheduler.TickAsync(wokenByStart: true, Token);
        await caughtUp.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.True(burst.InProgress);
        signal.Notify();

        // After the second chunk the tick waits again; no poke comes (the start is over), so it ends after the wait.
        await AdvanceUntilDoneAsync(time, tick);
        Assert.Equal(4000, await tick);
        Assert.Equal([false, true, true, true, true, true], heldDuringBatch);
        Assert.Equal(1, upkeep.Calls);
        Assert.Equal([false], heldDuringUpkeep);
        Assert.False(burst.InProgress);
    }

    [Fact]
    public async Task ABacklogTickWokenByAStart_GoesOnAtOnce_WhenTheNextChunkWasCommittedDuringItsBatches()
    {
        var signal = new SchedulerSignal();
        var time = new FakeTimeProvider();
        var answers = new Queue<int>([1000, 400, 1000, 0]);
        var calls = 0;
        var queue = new ScriptedRunQueue
        {
            EnqueueDue = _ =>
            {
                if (++calls == 2)
                {
                    signal.Notify(); // the start's next chunk, committed while this batch ran
                }

                return answers.Dequeue();
            },
        };
        var scheduler = Scheduler(queue, new SchedulerBurst(new FakeTimeProvider()), signal: signal, time: time);

        var tick = scheduler.TickAsync(wokenByStart: true, Token);
        await AdvanceUntilDoneAsync(time, tick);

        Assert.Equal(2400, await tick);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task ABacklogTickOfTheInterval_DoesNotWaitForAStart()
    {
        // An outage found by the clock: nothing is being started, so the short batch ends the tick at once, even
        // with a poke pending (that one is for the next tick). The fake clock never moves: a wait would hang.
        var signal = new SchedulerSignal();
        var answers = new Queue<int>([1000, 3]);
        var queue = new ScriptedRunQueue { EnqueueDue = _ => answers.Dequeue() };
        signal.Notify();

        var tick = Scheduler(queue, new SchedulerBurst(new FakeTimeProvider()), signal: signal).TickAsync(wokenByStart: false, Token);

        Assert.Equal(1003, await tick.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(1), new FakeTimeProvider(), Token));
    }

    /// <summary>Moves the fake clock on in small steps (bounded) until the tick has ended.</summary>
    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task tick)
    {
        for (var i = 0; i < 200 && !tick.IsCompleted; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, Token);
            time.Advance(SchedulerBurst.NextChunkWait / 10);
        }

        await tick.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    private static SyncScheduler Scheduler(
        ScriptedRunQueue queue,
        SchedulerBurst burst,
        ISchedulerUpkeep? upkeep = null,
        SchedulerSignal? signal = null,
        FakeTimeProvider? time = null) =>
        new(
            queue,
            new RunWakeups(new WorkSignal(), new SchedulerSignal(), new NoWakeups()),
            burst,
            upkeep ?? new CountingUpkeep(),
            signal ?? new SchedulerSignal(),
            new EngineOptions(),
            time ?? new FakeTimeProvider(),
            NullLogger<SyncScheduler>.Instance);

    private sealed class NoWakeups : IRunWakeups
    {
        public Task PublishAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PublishSchedulesAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
