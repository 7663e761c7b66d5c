using Tributary.Testing;
using Xunit.Sdk;

namespace Tributary.Cli.Tests.Testing;

/// <summary>The shared wait: returns what it waited for, and fails (never gives up silently) on timeout.</summary>
public sealed class EventuallyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ValueAsync_ReturnsTheFirstAcceptedValue()
    {
        var calls = 0;

        var value = await Eventually.ValueAsync(_ => Task.FromResult(++calls), n => n >= 3, TimeSpan.FromSeconds(5), "three calls", Token, TimeSpan.Zero);

        Assert.Equal(3, value);
    }

    [Fact]
    public async Task TrueAsync_NeverTrue_FailsWithWhatItWaitedForAndTheLastValue()
    {
        var error = await Assert.ThrowsAsync<FailException>(() =>
            Eventually.ValueAsync(_ => Task.FromResult(41), n => n == 42, TimeSpan.FromMilliseconds(200), "the answer", Token));
        var never = await Assert.ThrowsAsync<FailException>(() =>
            Eventually.TrueAsync(_ => Task.FromResult(false), TimeSpan.FromMilliseconds(100), "a condition that never holds", Token));

        Assert.Contains("waiting for the answer; last seen: 41.", error.Message, StringComparison.Ordinal);
        Assert.Contains("waiting for a condition that never holds", never.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProbeStillRunningAtTheDeadline_IsCancelledAndFails()
    {
        var error = await Assert.ThrowsAsync<FailException>(() =>
            Eventually.TrueAsync(
                async token =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), TimeProvider.System, token);
                    return true;
                },
                TimeSpan.FromMilliseconds(100),
                "a slow probe",
                Token));

        Assert.Contains("a slow probe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTestsOwnCancellation_IsNotReportedAsATimeout()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Eventually.TrueAsync(token => Task.FromResult(false), TimeSpan.FromSeconds(5), "anything", cancelled.Token));
    }
}
