using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Group commit for run completions: completions that arrive while one batch is being written are written together
/// in the next, one transaction and one commit for all of them.
/// </summary>
/// <remarks>
/// <para>
/// Why: a worker finishing short runs spends most of each completion waiting on its commit's flush (on PostgreSQL
/// the backends queue on the WAL write lock). A completion that finds nothing in flight is written at once, so an
/// idle engine adds no latency; under load the batch grows by itself to whatever arrived during the last commit.
/// </para>
/// <para>
/// Each run's lease is still checked on its own row: a lost lease fails that completion only. A batch that fails
/// with a transient storage error (<see cref="ITransientErrors"/>) is retried whole, with exponential backoff and
/// jitter, a bounded number of times. When a batch of several still fails (or fails with any other error), each
/// completion is retried alone, so one bad completion never fails the runs it happened to share a commit with.
/// </para>
/// </remarks>
public sealed class RunCompletions
{
    /// <summary>At most this many completions share a transaction.</summary>
    public const int MaxBatch = 64;

    /// <summary>Retries of a batch that met a transient error (about 3 s in all), before it is split.</summary>
    internal const int MaxTransientRetries = 5;

    internal static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly Func<IReadOnlyList<RunCompletion>, CancellationToken, Task<IReadOnlyList<bool>>> _write;
    private readonly ITransientErrors _transient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunCompletions> _logger;
    private readonly Queue<Pending> _queue = new();
    private readonly object _sync = new();
    private bool _writing;

    public RunCompletions(IRunQueueStore runs, ITransientErrors transient, TimeProvider timeProvider, ILogger<RunCompletions> logger)
        : this(runs.CompleteManyAsync, transient, timeProvider, logger)
    {
    }

    /// <param name="write">Writes a batch in one transaction and returns, per completion, whether its lease held.</param>
    internal RunCompletions(
        Func<IReadOnlyList<RunCompletion>, CancellationToken, Task<IReadOnlyList<bool>>> write,
        ITransientErrors transient,
        TimeProvider timeProvider,
        ILogger<RunCompletions> logger)
    {
        _write = write;
        _transient = transient;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Completes a run; false (and nothing written) when the lease was lost. Not cancellable: a finished run must be recorded.</summary>
    public Task<bool> CompleteAsync(RunCompletion completion)
    {
        var pending = new Pending(completion);
        bool start;
        lock (_sync)
        {
            _queue.Enqueue(pending);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            // On the thread pool: no caller's run waits for other runs' batches.
            _ = Task.Run(WriteAllAsync, CancellationToken.None);
        }

        return pending.Result.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_sync)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = new List<Pending>(Math.Min(_queue.Count, MaxBatch));
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            await WriteAsync(batch);
        }
    }

    /// <param name="retryTransient">False once the batch these completions came from used up its retries.</param>
    private async Task WriteAsync(List<Pending> batch, bool retryTransient = true)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                var completed = await _write([.. batch.Select(p => p.Completion)], CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(completed[i]);
                }

                return;
            }
            catch (Exception ex) when (retryTransient && failures <= MaxTransientRetries && _transient.IsTransient(ex))
            {
                var delay = Backoff.Delay(failures, FirstRetry, MaxRetryDelay);
                _logger.LogWarning(ex, "Completing {Count} runs met a transient storage error; retry {Retry} in {Delay} ms.", batch.Count, failures, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _timeProvider, CancellationToken.None);
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                _logger.LogWarning(ex, "Completing {Count} runs together failed; completing them one by one.", batch.Count);
                var retrySingles = retryTransient && !_transient.IsTransient(ex);
                foreach (var pending in batch)
                {
                    await WriteAsync([pending], retrySingles);
                }

                return;
            }
            catch (Exception ex)
            {
                batch[0].Result.TrySetException(ex);
                return;
            }
        }
    }

    private sealed class Pending(RunCompletion completion)
    {
        public RunCompletion Completion { get; } = completion;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
