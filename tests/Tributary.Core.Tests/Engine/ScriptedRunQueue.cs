using System.Collections.Concurrent;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

/// <summary>A run queue whose heartbeats, releases and scheduler batches answer as a test scripts them; the other verbs are not used.</summary>
internal sealed class ScriptedRunQueue : IRunQueueStore
{
    private readonly ConcurrentQueue<Func<bool>> _heartbeatScript = new();
    private int _heartbeats;

    /// <summary>What a heartbeat does once the script is used up.</summary>
    public Func<bool> HeartbeatAfterScript { get; set; } = () => true;

    public int Heartbeats => Volatile.Read(ref _heartbeats);

    public ConcurrentQueue<RunFence> Released { get; } = new();

    public ConcurrentQueue<long> HeartbeatExpiries { get; } = new();

    /// <summary>Each further heartbeat, in order, throws or answers as given.</summary>
    public void ScriptHeartbeats(params Func<bool>[] answers)
    {
        foreach (var answer in answers)
        {
            _heartbeatScript.Enqueue(answer);
        }
    }

    public static bool Throws() => throw new TransientTestException("the database is restarting");

    /// <summary>The expiry each heartbeat asked for, on the caller's clock (now + lease), as SQLite stores it.</summary>
    public Task<bool> HeartbeatAsync(long runId, long leaseToken, long now, long leaseMicros, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _heartbeats);
        HeartbeatExpiries.Enqueue(now + leaseMicros);
        var answer = _heartbeatScript.TryDequeue(out var scripted) ? scripted : HeartbeatAfterScript;
        try
        {
            return Task.FromResult(answer());
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }
    }

    public Task ReleaseAsync(RunFence fence, long now, CancellationToken cancellationToken)
    {
        Released.Enqueue(fence);
        return Task.CompletedTask;
    }

    public Task CloseStoppedLogAsync(RunFence fence, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    /// <summary>What each scheduler batch answers (how many schedules it queued); unset, the verb is not used.</summary>
    public Func<int, int>? EnqueueDue { get; set; }

    public Task<int> EnqueueDueAsync(long now, int limit, CancellationToken cancellationToken) =>
        Task.FromResult((EnqueueDue ?? throw new NotSupportedException())(limit));

    public Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<RunCompletion> completions, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public bool LeaseOwnersShareThisHost => false;

    public Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> ExpireLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>Stands for a storage failure that passes (a lost connection); <see cref="TestTransientErrors"/> says so.</summary>
internal sealed class TransientTestException(string message) : Exception(message);

/// <summary>Classifies only <see cref="TransientTestException"/> (anywhere in the chain) as transient.</summary>
internal sealed class TestTransientErrors : ITransientErrors
{
    public static TestTransientErrors Instance { get; } = new();

    public bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is TransientTestException)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Moves a fake clock in small steps, letting the code under test run between them, until a condition holds.</summary>
internal static class Clock
{
    public static async Task AdvanceUntilAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step, TimeSpan atMost, Func<bool> done)
    {
        for (var elapsed = TimeSpan.Zero; elapsed <= atMost; elapsed += step)
        {
            if (await SettleAsync(done, 5))
            {
                return;
            }

            time.Advance(step);
        }

        Assert.True(await SettleAsync(done, 500), $"the condition did not hold within {atMost} of fake time");
    }

    /// <summary>Advances the clock by <paramref name="total"/> in steps, letting continuations run.</summary>
    public static async Task AdvanceAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step, TimeSpan total)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            time.Advance(step);
            await SettleAsync(() => false, 5);
        }
    }

    /// <summary>Waits a little real time (continuations run on the thread pool) for a condition.</summary>
    private static async Task<bool> SettleAsync(Func<bool> done, int tries)
    {
        for (var i = 0; i < tries; i++)
        {
            if (done())
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, TestContext.Current.CancellationToken);
        }

        return done();
    }
}
