using System.Globalization;
using Tributary.Core.Domain;

namespace Tributary.Core.Logs;

/// <summary>
/// The log of one run attempt: every line is scrubbed of the connection's secrets, cut to the longest line allowed
/// and counted against the run's cap (<see cref="RunLogOptions"/>), then handed to the <see cref="RunLogWriter"/>.
/// Thread-safe: a function may log from several tasks.
/// </summary>
/// <remarks>
/// Over the cap, lines go to a ring of the latest ones; <see cref="FlushAsync"/> writes the marker and the ring
/// when the attempt ends. An attempt that dies with its process loses its ring (its first lines are stored).
/// </remarks>
public sealed class RunLog
{
    /// <summary>The bytes kept free for the marker line.</summary>
    public const int MarkerReserveBytes = 200;

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private readonly long _runId;
    private readonly RunLogWriter? _writer;
    private readonly RunLogOptions _options;
    private volatile SecretScrubber _scrubber;
    private readonly TimeProvider _timeProvider;
    private readonly Queue<RunLogLine> _tail = new();
    private long _lines;
    private long _bytes;
    private long _tailBytes;
    private long _omittedLines;
    private long _omittedBytes;
    private bool _dirty;

    internal RunLog(long runId, RunLogUsage used, RunLogWriter? writer, RunLogOptions options, SecretScrubber scrubber, TimeProvider timeProvider)
    {
        _runId = runId;
        _writer = writer;
        _options = options;
        _scrubber = scrubber;
        _timeProvider = timeProvider;
        _lines = used.Lines;
        _bytes = used.Bytes;
    }

    public long RunId => _runId;

    /// <summary>A log that keeps nothing (no log writer in this host, or the run's log could not be opened).</summary>
    public static RunLog Off(long runId) => new(runId, default, null, RunLogOptions.Default, SecretScrubber.None, TimeProvider.System) { Disabled = true };

    internal bool Disabled { get; init; }

    public void Write(string level, string source, string message)
    {
        if (Disabled || _writer is null)
        {
            return;
        }

        var line = new RunLogLine(_runId, Micros.Now(_timeProvider), level, source, Prepare(message));
        lock (_gate)
        {
            _dirty = true;
            if (_tail.Count == 0 && _omittedLines == 0 && _lines + 1 <= _options.HeadLines && _bytes + line.Size <= _options.HeadBytes)
            {
                Append(line);
                return;
            }

            // Over the head: keep the latest lines within what is left of the cap after the marker.
            _tail.Enqueue(line);
            _tailBytes += line.Size;
            var roomLines = Math.Max(0, _options.MaxLinesPerRun - _lines - 1);
            var roomBytes = Math.Max(0, _options.MaxBytesPerRun - _bytes - MarkerReserveBytes);
            while (_tail.Count > 0 && (_tail.Count > roomLines || _tailBytes > roomBytes))
            {
                var dropped = _tail.Dequeue();
                _tailBytes -= dropped.Size;
                _omittedLines++;
                _omittedBytes += dropped.Size;
            }
        }
    }

    /// <summary>From now on, lines are scrubbed of these secrets (known once the connection's credentials are decrypted).</summary>
    public void UseScrubber(SecretScrubber scrubber) => _scrubber = scrubber;

    /// <summary>
    /// From now on, lines are also scrubbed of these secrets: the tokens a refresh brought mid-run. The earlier ones
    /// stay registered, since the function may still hold (and log) the token it was given first.
    /// </summary>
    public void AddSecrets(SecretScrubber more)
    {
        lock (_gate)
        {
            _scrubber = _scrubber.Merge(more);
        }
    }

    /// <summary>The text with every secret this run knows replaced, for a copy of a line that goes elsewhere (the process's log).</summary>
    public string Scrub(string text) => _scrubber.Scrub(text);

    public void Info(string message) => Write(RunLogLevels.Info, RunLogSources.Engine, message);

    public void Warn(string message) => Write(RunLogLevels.Warn, RunLogSources.Engine, message);

    public void Error(string message) => Write(RunLogLevels.Error, RunLogSources.Engine, message);

    /// <summary>
    /// Writes the truncation marker and the kept tail, if the cap was reached, and waits (bounded) until the writer
    /// has stored every line so far, so a reader that sees the run finished sees its log. The log stays open: lines
    /// after a flush are capped the same way, and the next flush writes them.
    /// </summary>
    public async Task FlushAsync()
    {
        if (Disabled || _writer is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_dirty)
            {
                return;
            }

            _dirty = false;
            if (_omittedLines > 0 || _tail.Count > 0)
            {
                var marker = new RunLogLine(
                    _runId,
                    Micros.Now(_timeProvider),
                    RunLogLevels.Warn,
                    RunLogSources.Engine,
                    string.Create(CultureInfo.InvariantCulture, $"… {_omittedLines} lines ({_omittedBytes} bytes) left out: a run's log is capped at {_options.MaxLinesPerRun} lines and {_options.MaxBytesPerRun} bytes …"));
                // The tail's room kept a line and MarkerReserveBytes free for this marker; a later attempt of a run
                // already at its cap writes none.
                if (_lines + 1 <= _options.MaxLinesPerRun && _bytes + marker.Size <= _options.MaxBytesPerRun)
                {
                    Append(marker);
                }

                while (_tail.TryDequeue(out var line))
                {
                    Append(line);
                }

                _tailBytes = 0;
                _omittedLines = 0;
                _omittedBytes = 0;
            }
        }

        using var timeout = new CancellationTokenSource(FlushTimeout, _timeProvider);
        try
        {
            await _writer.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The writer is slow or stopping: the lines are queued and follow; the run does not wait longer.
        }
    }

    private void Append(RunLogLine line)
    {
        _lines++;
        _bytes += line.Size;
        _writer!.TryWrite(line);
    }

    private string Prepare(string message)
    {
        var text = _scrubber.Scrub(message);
        return text.Length <= _options.MaxLineChars ? text : string.Concat(text.AsSpan(0, _options.MaxLineChars), "… (cut)");
    }
}
