using System.Globalization;
using Tributary.Core.Domain;

namespace Tributary.Core.Logs;

/// <summary>
/// The log of one run attempt: every line is scrubbed of the connection's secrets, cut to the longest line allowed
/// and counted against the run's cap (<see cref="RunLogOptions"/>), then handed to the <see cref="RunLogWriter"/>.
/// Thread-safe: a function may log from several tasks.
/// </summary>
/// <remarks>
/// <para>Over the cap, lines go to a ring of the latest ones; <see cref="FlushAsync"/> writes the marker and the ring
/// when the attempt ends. An attempt that dies with its process loses its ring (its first lines are stored).</para>
/// <para>Lines are held here up to <see cref="HoldFor"/> (or <see cref="MaxHeld"/> lines) before they go to the
/// writer: a short run's lines (a no-op run writes three) never reach it and are written by the run's completion, in
/// its transaction (<see cref="SealAsync"/>), rather than in a write transaction of their own that the run waits for
/// — that extra SQLite write transaction and wait per run was a large part of B4's drain (issue 8). A longer run's
/// lines reach a live reader at most <see cref="HoldFor"/> plus the writer's linger later.</para>
/// </remarks>
public sealed class RunLog
{
    /// <summary>The bytes kept free for the marker line.</summary>
    public const int MarkerReserveBytes = 200;

    /// <summary>At most this many lines are held before they go to the writer.</summary>
    public const int MaxHeld = 100;

    /// <summary>How long a line is held at most before it goes to the writer.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromMilliseconds(50);

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
    private List<RunLogLine>? _held;
    private ITimer? _handOver;

    // Whether lines went to the writer since the last flush: a seal must wait for them, or its own lines (written by
    // the completion) could be stored before them.
    private bool _handedOver;

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
            AppendMarkerAndTail();
            HandOver();
            _handedOver = false;
        }

        await WaitForWriterAsync();
    }

    /// <summary>
    /// Ends the attempt's logging for its completion: writes the marker and tail as <see cref="FlushAsync"/> does,
    /// waits for the lines already handed to the writer, and returns the held lines, which the completion writes in
    /// its own transaction. When the completion does not write them (refused or failed), the caller hands them to
    /// <see cref="WriteLater"/>.
    /// </summary>
    public async Task<IReadOnlyList<RunLogLine>> SealAsync()
    {
        if (Disabled || _writer is null)
        {
            return [];
        }

        List<RunLogLine>? held;
        bool wait;
        lock (_gate)
        {
            AppendMarkerAndTail();
            held = _held;
            _held = null;
            StopHoldTimer();
            wait = _handedOver;
            _handedOver = false;
            _dirty = false;
        }

        if (wait)
        {
            await WaitForWriterAsync();
        }

        return held ?? (IReadOnlyList<RunLogLine>)[];
    }

    /// <summary>Hands lines taken by <see cref="SealAsync"/> to the writer, when the completion did not write them.</summary>
    public void WriteLater(IReadOnlyList<RunLogLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0 || _writer is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var line in lines)
            {
                _writer.TryWrite(line);
            }

            _handedOver = true;
            _dirty = true;
        }
    }

    private void AppendMarkerAndTail()
    {
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

    private async Task WaitForWriterAsync()
    {
        using var timeout = new CancellationTokenSource(FlushTimeout, _timeProvider);
        try
        {
            await _writer!.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The writer is slow or stopping: the lines are queued and follow; the run does not wait longer.
        }
    }

    /// <summary>Counts the line against the cap and holds it (under the gate).</summary>
    private void Append(RunLogLine line)
    {
        _lines++;
        _bytes += line.Size;
        _held ??= new List<RunLogLine>(4);
        _held.Add(line);
        if (_held.Count >= MaxHeld)
        {
            HandOver();
        }
        else if (_held.Count == 1)
        {
            _handOver ??= _timeProvider.CreateTimer(static state => ((RunLog)state!).HandOverHeld(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _handOver.Change(HoldFor, Timeout.InfiniteTimeSpan);
        }
    }

    private void HandOverHeld()
    {
        lock (_gate)
        {
            HandOver();
        }
    }

    /// <summary>Gives the held lines to the writer (under the gate).</summary>
    private void HandOver()
    {
        StopHoldTimer();
        if (_held is not { Count: > 0 } held)
        {
            return;
        }

        foreach (var line in held)
        {
            _writer!.TryWrite(line);
        }

        held.Clear();
        _handedOver = true;
    }

    private void StopHoldTimer()
    {
        _handOver?.Dispose();
        _handOver = null;
    }

    private string Prepare(string message)
    {
        var text = _scrubber.Scrub(message);
        return text.Length <= _options.MaxLineChars ? text : string.Concat(text.AsSpan(0, _options.MaxLineChars), "… (cut)");
    }
}
