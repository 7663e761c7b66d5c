using Microsoft.Extensions.Logging;

namespace Tributary.Sdk.Testing;

/// <summary>Keeps every message in memory; the function may log from any thread.</summary>
internal sealed class TestLogger : ILogger
{
    private readonly List<TestLogEntry> _entries = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<TestLogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new TestLogEntry(logLevel, formatter(state, exception), exception);
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }
}
