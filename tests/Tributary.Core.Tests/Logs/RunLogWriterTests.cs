using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Logs;

namespace Tributary.Core.Tests.Logs;

/// <summary>The run log writer's linger: lines of a busy run go out in few batches, a flush or a full batch never waits.</summary>
public sealed class RunLogWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinesArrivingOneByOne_AreStoredTogether_WhenTheRunFlushes()
    {
        var time = new FakeTimeProvider();
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, time);
        harness.Writer.TryWrite(Line(1, "first"));
        // Real time passes, the linger's (fake) time does not: without the linger the first line would be written now.
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, Ct);
        Assert.Equal(0, harness.Store.Appends);

        for (var i = 0; i < 99; i++)
        {
            harness.Writer.TryWrite(Line(1, $"line {i}"));
        }

        await harness.Writer.FlushAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(1, harness.Store.Appends);
        Assert.Equal(100, harness.Store.Messages(1).Count);
    }

    [Fact]
    public async Task ALine_IsStoredOnceTheLingerHasPassed_WithoutAFlush()
    {
        var time = new FakeTimeProvider();
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, time);
        harness.Writer.TryWrite(Line(1, "alone"));
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Ct);

        time.Advance(RunLogWriter.Linger);

        Assert.True(await EventuallyAsync(() => harness.Store.Messages(1).Count == 1));
    }

    [Fact]
    public async Task AFullBatch_IsWrittenWithoutWaitingForTheLinger()
    {
        var time = new FakeTimeProvider();
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, time);
        for (var i = 0; i < RunLogWriter.MaxBatch; i++)
        {
            harness.Writer.TryWrite(Line(1, $"line {i}"));
        }

        Assert.True(await EventuallyAsync(() => harness.Store.Messages(1).Count == RunLogWriter.MaxBatch));
    }

    private static RunLogLine Line(long runId, string message) => new(runId, 0, RunLogLevels.Info, RunLogSources.Http, message);

    /// <summary>Polls every 20 ms for at most 10 s.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, Ct);
        }

        return condition();
    }

}
