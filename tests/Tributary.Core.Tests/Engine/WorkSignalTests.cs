using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Engine;

/// <summary>
/// Pokes while the signal is already set collapse into one wake-up, and cost no exception: a worker whose delivery is
/// deferred notifies the webhook signal once per completed run with nobody waiting (B14.drain).
/// </summary>
public sealed class WorkSignalTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Notify_OnASignalAlreadySet_ThrowsNothing()
    {
        using var signal = new WorkSignal();
        var thread = Environment.CurrentManagedThreadId;
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            // Only this test's thread: other tests run in parallel and may throw what they like.
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref thrown);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            for (var i = 0; i < 100; i++)
            {
                signal.Notify();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, thrown);
    }

    [Fact]
    public async Task ManyPokes_WakeOneWaitOnce()
    {
        using var signal = new WorkSignal();
        for (var i = 0; i < 10; i++)
        {
            signal.Notify();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, Token));

        signal.Notify();
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token));
    }
}
