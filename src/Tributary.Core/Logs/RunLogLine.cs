namespace Tributary.Core.Logs;

/// <summary>One line of a run's log, as the engine writes it.</summary>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="At">When it was written (unix microseconds).</param>
/// <param name="Level">info, warn, error or debug.</param>
/// <param name="Source">engine, function or http.</param>
/// <param name="Message">The text, with the connection's secrets replaced (<see cref="SecretScrubber"/>).</param>
public sealed record RunLogLine(long RunId, long At, string Level, string Source, string Message)
{
    /// <summary>What the line counts against its run's byte cap: the message's UTF-8 length.</summary>
    public int Size { get; } = System.Text.Encoding.UTF8.GetByteCount(Message);
}

/// <summary>A stored line: its id is the log's cursor (ascending in write order).</summary>
public sealed record StoredRunLogLine(long Id, long At, string Level, string Source, string Message);

/// <summary>How much of a run's cap its stored lines use.</summary>
public readonly record struct RunLogUsage(long Lines, long Bytes);

/// <summary>Where a line comes from; the API shows these names.</summary>
public static class RunLogSources
{
    public const string Engine = "engine";
    public const string Function = "function";
    public const string Http = "http";
}

/// <summary>The levels a line can have; the API shows these names.</summary>
public static class RunLogLevels
{
    public const string Debug = "debug";
    public const string Info = "info";
    public const string Warn = "warn";
    public const string Error = "error";
}
