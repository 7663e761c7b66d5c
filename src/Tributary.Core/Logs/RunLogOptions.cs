namespace Tributary.Core.Logs;

/// <summary>
/// How much of a run's log is kept and for how long. The cap counts lines and UTF-8 bytes of the run's log (every
/// attempt together), never records: a run that writes a million records logs one line per batch, and a function
/// that logs in a loop is cut at the same cap.
/// </summary>
/// <remarks>
/// When a run goes over its cap, its first lines stay (up to <see cref="HeadLines"/>/<see cref="HeadBytes"/>), the
/// lines after them are held in memory as a ring of the latest ones, and when the attempt ends one marker line
/// ("… N lines (B bytes) left out …") and that ring are written: an operator sees how the run started and how it ended.
/// The host reads the settings named here (this library reads no environment).
/// </remarks>
public sealed record RunLogOptions(long MaxLinesPerRun, long MaxBytesPerRun, int MaxLineChars, TimeSpan? KeepFor, TimeSpan Interval, int BatchSize)
{
    public const string MaxLinesSetting = "TRIBUTARY_RUN_LOG_MAX_LINES";
    public const string MaxBytesSetting = "TRIBUTARY_RUN_LOG_MAX_BYTES";
    public const string RetentionSetting = "TRIBUTARY_RUN_LOGS_RETENTION_DAYS";
    public const string SectionName = "RunLogs";

    public const long DefaultMaxLines = 10_000;
    public const long DefaultMaxBytes = 1024 * 1024;
    public const int DefaultDays = 14;

    public static RunLogOptions Default { get; } = new(DefaultMaxLines, DefaultMaxBytes, 4_000, TimeSpan.FromDays(DefaultDays), TimeSpan.FromHours(1), 5_000);

    /// <summary>The share of the cap kept for the end of a run that went over it: a tenth, at least one line.</summary>
    public long TailLines => Math.Max(1, MaxLinesPerRun / 10);

    public long TailBytes => Math.Max(1, MaxBytesPerRun / 10);

    /// <summary>The start of the log: the cap less the tail and the marker line.</summary>
    public long HeadLines => Math.Max(0, MaxLinesPerRun - TailLines - 1);

    public long HeadBytes => Math.Max(0, MaxBytesPerRun - TailBytes - RunLog.MarkerReserveBytes);

    /// <summary>Retention after a whole number of days; 0 keeps logs for ever.</summary>
    public RunLogOptions WithRetentionDays(int days) => this with { KeepFor = days == 0 ? null : TimeSpan.FromDays(days) };
}
