using System.Globalization;

namespace Tributary.Testing;

/// <summary>
/// The one way a test waits for something another thread or process does: poll until a condition holds, and FAIL
/// with what was awaited (and the last value seen) when it does not within the timeout. A wait never gives up silently.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    /// <param name="waitingFor">What the test waits for, e.g. "run r1 to finish"; the failure message quotes it.</param>
    public static async Task TrueAsync(
        Func<CancellationToken, Task<bool>> condition,
        TimeSpan timeout,
        string waitingFor,
        CancellationToken cancellationToken,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await ValueAsync(condition, done => done, timeout, waitingFor, cancellationToken, interval);
    }

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> accepts its value, and returns that value.</summary>
    /// <param name="waitingFor">What the test waits for; the failure message quotes it with the last value seen.</param>
    public static async Task<T> ValueAsync<T>(
        Func<CancellationToken, Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        string waitingFor,
        CancellationToken cancellationToken,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var pause = interval ?? DefaultInterval;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var attempts = 0;
        var last = "(no answer yet)";
        try
        {
            // Bounded by the deadline: each probe and each pause is cancelled when it passes.
            while (true)
            {
                attempts++;
                var value = await probe(deadline.Token);
                if (done(value))
                {
                    return value;
                }

                last = Describe(value);
                await Task.Delay(pause, TimeProvider.System, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s ({attempts} attempts) waiting for {waitingFor}; last seen: {last}.");
            throw;
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Text.Json.Nodes.JsonNode node => node.ToJsonString(),
        _ => value.ToString() ?? string.Empty,
    };
}
