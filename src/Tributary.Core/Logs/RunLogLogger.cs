using Microsoft.Extensions.Logging;

namespace Tributary.Core.Logs;

/// <summary>
/// The function's <c>context.Logger</c>: each line goes to the run's log (source <c>function</c>) and to the
/// process's own logger, as before.
/// </summary>
internal sealed class RunLogLogger : ILogger
{
    private readonly RunLog _log;
    private readonly ILogger _inner;

    public RunLogLogger(RunLog log, ILogger inner)
    {
        _log = log;
        _inner = inner;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    /// <summary>Debug and above reach the run's log whatever the process's level: a run's log is for its own reader.</summary>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug || _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (logLevel >= LogLevel.Debug && logLevel != LogLevel.None)
        {
            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = $"{message} {exception.GetType().Name}: {exception.Message}";
            }

            _log.Write(Level(logLevel), RunLogSources.Function, message);
        }

        if (_inner.IsEnabled(logLevel))
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Debug => RunLogLevels.Debug,
        LogLevel.Information => RunLogLevels.Info,
        LogLevel.Warning => RunLogLevels.Warn,
        _ => RunLogLevels.Error,
    };
}
