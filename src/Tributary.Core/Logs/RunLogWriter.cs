using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Logs;

/// <summary>
/// Writes every run's log lines in batches on one background loop, so a run never waits for its log: a line is
/// queued in memory and the loop writes whatever has arrived (up to <see cref="MaxBatch"/> lines) in one transaction,
/// then the next. Lines arriving while a batch is written share the next one, so the number of writes follows the
/// database's pace, not the number of lines. Woken by a line, the loop first lingers up to <see cref="Linger"/> for
/// more (unless a batch is full or a run waits in <see cref="FlushAsync"/>): a run making thousands of provider calls
/// a second otherwise had its lines written a few dozen at a time, one transaction each (B15 on PostgreSQL).
/// </summary>
/// <remarks>
/// A log must never fail or stall a run: beyond <see cref="MaxPending"/> queued lines new ones are dropped (and
/// counted, <c>tributary.run_logs.dropped</c>), and a batch whose write fails twice is dropped with a warning.
/// The linger keeps the rule that a finished run's log is stored: a run flushes before its completion commits, and a
/// flush ends the linger at once; a crash loses at most the last <see cref="Linger"/> of lines of runs still going.
/// </remarks>
public sealed class RunLogWriter : BackgroundService
{
    public const int MaxBatch = 2_000;
    public const int MaxPending = 200_000;

    /// <summary>How long a woken loop waits for more lines before it writes: at most the delay a live log reader sees added.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IRunLogStore _store;
    private readonly TributaryMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunLogWriter> _logger;
    private int _pending;
    private int _flushesQueued;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunLogWriter(IRunLogStore store, TributaryMetrics metrics, TimeProvider timeProvider, ILogger<RunLogWriter> logger)
    {
        _store = store;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Queues a line; false when the queue is full and the line was dropped.</summary>
    public bool TryWrite(RunLogLine line)
    {
        var pending = Interlocked.Increment(ref _pending);
        if (pending > MaxPending || !_queue.Writer.TryWrite(line))
        {
            Interlocked.Decrement(ref _pending);
            _metrics.RunLogLinesDropped.Add(1);
            return false;
        }

        if (pending == MaxBatch)
        {
            Wake(); // A full batch is waiting: no reason to linger.
        }

        return true;
    }

    /// <summary>Completes when every line queued before the call is written (or dropped); bounded by <paramref name="cancellationToken"/>.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _flushesQueued);
        if (!_queue.Writer.TryWrite(done))
        {
            Interlocked.Decrement(ref _flushesQueued);
            return Task.CompletedTask;
        }

        Wake();
        return done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lines = new List<RunLogLine>(MaxBatch);
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await LingerAsync(stoppingToken);
                await WriteAvailableAsync(lines, flushes, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the runs handed their last lines over before they ended; write them, bounded.
            using var drain = new CancellationTokenSource(DrainTimeout, _timeProvider);
            try
            {
                await WriteAvailableAsync(lines, flushes, drain.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                _logger.LogWarning("Run log lines still queued at shutdown were not written.");
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var flush in flushes)
            {
                flush.TrySetResult();
            }
        }
    }

    /// <summary>Waits up to <see cref="Linger"/> for more lines, unless a batch is full or a flush is waiting (either ends it early).</summary>
    private async Task LingerAsync(CancellationToken stoppingToken)
    {
        // A fresh signal first, then the checks: a flush or full batch arriving after them signals this one.
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _wake, wake);
        if (Volatile.Read(ref _flushesQueued) > 0 || Volatile.Read(ref _pending) >= MaxBatch)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(Linger, _timeProvider, timeout.Token);
        await Task.WhenAny(wake.Task, delay);
        await timeout.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private async Task WriteAvailableAsync(List<RunLogLine> lines, List<TaskCompletionSource> flushes, CancellationToken cancellationToken)
    {
        // Bounded: each pass writes what is queued now, at most MaxBatch lines per write.
        while (_queue.Reader.TryPeek(out _))
        {
            lines.Clear();
            while (lines.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item is RunLogLine line)
                {
                    lines.Add(line);
                }
                else if (item is TaskCompletionSource flush)
                {
                    Interlocked.Decrement(ref _flushesQueued);
                    flushes.Add(flush);
                }
            }

            if (lines.Count > 0)
            {
                await WriteBatchAsync(lines, cancellationToken);
                Interlocked.Add(ref _pending, -lines.Count);
            }

            foreach (var flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private async Task WriteBatchAsync(List<RunLogLine> lines, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(lines, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt >= 2)
                {
                    _logger.LogWarning(ex, "Writing {Count} run log lines failed twice; they are dropped.", lines.Count);
                    _metrics.RunLogLinesDropped.Add(lines.Count);
                    return;
                }
            }

            await Task.Delay(RetryDelay, _timeProvider, cancellationToken);
        }
    }
}
