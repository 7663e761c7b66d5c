using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Tests.Logs;

/// <summary>A started <see cref="RunLogWriter"/> and <see cref="RunLogs"/> over an in-memory store, for the run-log tests.</summary>
internal sealed class RunLogHarness : IAsyncDisposable
{
    private readonly TributaryMetrics _metrics;

    private RunLogHarness(RunLogOptions options, TimeProvider time)
    {
        _metrics = new TributaryMetrics(new NoQueue(), TimeProvider.System, NullLogger<TributaryMetrics>.Instance);
        Writer = new RunLogWriter(Store, _metrics, time, NullLogger<RunLogWriter>.Instance);
        Logs = new RunLogs(Store, Writer, options, time, NullLogger<RunLogs>.Instance);
    }

    public RunLogCapTests.MemoryLogStore Store { get; } = new();

    public RunLogWriter Writer { get; }

    public RunLogs Logs { get; }

    /// <param name="time">The writer's clock (a fake one lets a test move past the linger).</param>
    public static async Task<RunLogHarness> StartAsync(RunLogOptions options, TimeProvider time)
    {
        var harness = new RunLogHarness(options, time);
        await harness.Writer.StartAsync(CancellationToken.None);
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.StopAsync(CancellationToken.None);
        Writer.Dispose();
        _metrics.Dispose();
    }

    private sealed class NoQueue : IQueueStatsStore
    {
        public Task<QueueStats> GetAsync(CancellationToken cancellationToken) => Task.FromResult(new QueueStats(0, 0, null));
    }
}
