using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Logs;

/// <summary>
/// Opens the log of a run attempt, continuing the run's cap where its earlier attempts left it. When an earlier
/// attempt went over the cap, its marker and last lines are deleted first: a run's log keeps its first lines and the
/// end of its latest attempt.
/// </summary>
public sealed class RunLogs
{
    private readonly IRunLogStore _store;
    private readonly RunLogWriter _writer;
    private readonly RunLogOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunLogs> _logger;

    public RunLogs(IRunLogStore store, RunLogWriter writer, RunLogOptions options, TimeProvider timeProvider, ILogger<RunLogs> logger)
    {
        _store = store;
        _writer = writer;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public RunLogOptions Options => _options;

    /// <summary>The attempt's log; a log that cannot read its usage keeps nothing rather than fail the run.</summary>
    /// <param name="firstClaim">
    /// The run's first claim (<see cref="ClaimedRun.IsFirstClaim"/>): no earlier attempt stored a line, so the usage is
    /// nothing without a read — one statement less for every run that succeeds at its first attempt.
    /// </param>
    public async Task<RunLog> OpenAsync(long runId, SecretScrubber scrubber, CancellationToken cancellationToken, bool firstClaim = false)
    {
        if (firstClaim)
        {
            return new RunLog(runId, default, _writer, _options, scrubber, _timeProvider);
        }

        try
        {
            var used = await _store.GetUsageAsync(runId, cancellationToken);
            if (used.Lines > _options.HeadLines || used.Bytes > _options.HeadBytes)
            {
                // An earlier attempt went over the cap: its marker and tail make room for this attempt's end, so the
                // log keeps the run's first lines and its latest end.
                await _store.TrimAsync(runId, _options.HeadLines, _options.HeadBytes, cancellationToken);
                used = await _store.GetUsageAsync(runId, cancellationToken);
            }

            return new RunLog(runId, used, _writer, _options, scrubber, _timeProvider);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Run {RunId}: its log could not be opened; this attempt is not logged.", runId);
            return new RunLog(runId, default, _writer, _options, scrubber, _timeProvider) { Disabled = true };
        }
    }
}
