using Microsoft.Extensions.Logging;

namespace Tributary.Core.Logs;

/// <summary>
/// The function's <c>context.Logger</c>: each line goes to the run's log (source <c>function</c>) and to the
/// process's own logger, both scrubbed of the connection's secrets.
/// </summary>
/// <remarks>
/// The process's copy is the formatted text, scrubbed, rather than the function's structured state: a function that
/// logs its Authorization header must not put the token on the server's stdout any more than in the run's log.
/// </remarks>
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
            var scrubbed = _log.Scrub(formatter(state, null));
            _inner.Log(logLevel, eventId, scrubbed, exception, static (text, _) => text);
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
