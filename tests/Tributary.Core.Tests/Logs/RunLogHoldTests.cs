using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Logs;

namespace Tributary.Core.Tests.Logs;

/// <summary>
/// A run's lines are held briefly before they go to the writer, so a short run's lines are written by its completion
/// (<see cref="RunLog.SealAsync"/>) instead of a write of their own; a longer run's still reach the writer.
/// </summary>
public sealed class RunLogHoldTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AShortRunsLines_AreSealedForItsCompletion_AndTheWriterStoresNone()
    {
        var time = new FakeTimeProvider();
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, time);
        var log = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct, firstClaim: true);
        log.Info("Claimed");
        log.Info("Running");
        log.Info("Succeeded");

        var sealedLines = await log.SealAsync();
        await harness.Writer.FlushAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await log.FlushAsync();

        Assert.Equal(["Claimed", "Running", "Succeeded"], sealedLines.Select(l => l.Message));
        Assert.Empty(harness.Store.Messages(1));
        Assert.Equal(0, harness.Store.Appends);
    }

    [Fact]
    public async Task AHeldLine_GoesToTheWriterOnceItWasHeldFor_HoldFor()
    {
        var time = new FakeTimeProvider();
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, time);
        var log = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct, firstClaim: true);
        log.Info("still running");

        await harness.Writer.FlushAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Empty(harness.Store.Messages(1));

        time.Advance(RunLog.HoldFor);
        await harness.Writer.FlushAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(["still running"], harness.Store.Messages(1));
        Assert.Empty(await log.SealAsync());
    }

    [Fact]
    public async Task ASeal_AfterLinesWentToTheWriter_WaitsForThemAndReturnsOnlyTheRestInOrder()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, new FakeTimeProvider());
        var log = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct, firstClaim: true);
        for (var i = 0; i < RunLog.MaxHeld + 5; i++)
        {
            log.Info($"line {i}");
        }

        var sealedLines = await log.SealAsync();

        Assert.Equal(Enumerable.Range(0, RunLog.MaxHeld).Select(i => $"line {i}"), harness.Store.Messages(1));
        Assert.Equal(Enumerable.Range(RunLog.MaxHeld, 5).Select(i => $"line {i}"), sealedLines.Select(l => l.Message));
    }

    [Fact]
    public async Task SealedLinesTheCompletionDidNotWrite_AreWrittenByTheNextFlush()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, new FakeTimeProvider());
        var log = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct, firstClaim: true);
        log.Info("Succeeded");
        var sealedLines = await log.SealAsync();

        log.WriteLater(sealedLines);
        log.Warn("Stopped: the lease was lost");
        await log.FlushAsync();

        Assert.Equal(["Succeeded", "Stopped: the lease was lost"], harness.Store.Messages(1));
    }

    [Fact]
    public async Task OpeningOnTheRunsFirstClaim_ReadsNoUsage_ALaterAttemptReadsIt()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default with { MaxLinesPerRun = 3 }, TimeProvider.System);
        var first = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct, firstClaim: true);
        first.Info("attempt 1");
        await first.FlushAsync();
        Assert.Equal(0, harness.Store.UsageReads);

        var second = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct);
        for (var i = 0; i < 5; i++)
        {
            second.Info($"attempt 2 line {i}");
        }

        await second.FlushAsync();

        // The later attempt counted the first attempt's line against the cap of three.
        Assert.Equal(1, harness.Store.UsageReads);
        Assert.InRange(harness.Store.Messages(1).Count, 2, 3);
        Assert.Equal("attempt 1", harness.Store.Messages(1)[0]);
    }
}
