namespace Tributary.Core.Engine;

/// <summary>
/// Wakes idle workers at once when a run was queued in this process (a trigger, the scheduler, a reaped run).
/// Several pokes while the worker is busy collapse into one wake-up.
/// </summary>
public sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Dispose() => _semaphore.Dispose();

    public void Notify()
    {
        // Already signalled (the common case while workers are busy: every finished run and every completion with
        // webhooks notifies): nothing to add. Release on a full semaphore throws, and an exception per notification
        // cost a deferred-delivery worker a SemaphoreFullException for every run it completed (B14.drain's profile).
        // A waiter taking the signal right after this check was woken after our work was visible, as a collapsed poke is.
        if (_semaphore.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Signalled by another thread since the check above: the waiting worker will claim everything that is queued.
        }
    }

    /// <returns>True when woken by a signal, false when the timeout passed.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _semaphore.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
