namespace Tributary.Core.Ports;

/// <summary>
/// Tells a passing failure of the storage (a lost connection, a database restarting, a lock held too long, a
/// full disk) from every other error. Only the storage knows its providers' exceptions, so it answers.
/// </summary>
/// <remarks>
/// A run hit by a transient error goes back to the queue instead of failing, and a heartbeat or a completion that
/// meets one is retried; any other error (the function's own, a bug) still fails the run with its message.
/// </remarks>
public interface ITransientErrors
{
    /// <summary>True when <paramref name="exception"/>, or an exception it wraps, is a transient storage failure.</summary>
    bool IsTransient(Exception exception);
}
