using Microsoft.Extensions.Logging;

namespace Tributary.Testing;

/// <summary>
/// Appends what an in-process test server logs as an error to <c>server-errors.log</c> in the folder
/// <c>TRIBUTARY_TEST_LOG_DIR</c> names. Test servers are quiet, so without it a 500's support id in a
/// CI failure points at nothing; the test command prints this file when a test fails.
/// </summary>
internal sealed class ServerErrorLog : ILoggerProvider
{
    private static readonly Lock FileLock = new();
    private readonly string _path;
    private readonly string _server;

    private ServerErrorLog(string path, string server)
    {
        _path = path;
        _server = server;
    }

    /// <summary>The provider for one server, or null when no folder is named.</summary>
    public static ServerErrorLog? FromEnvironment(string server) =>
        Environment.GetEnvironmentVariable("TRIBUTARY_TEST_LOG_DIR") is { Length: > 0 } folder && Directory.Exists(folder)
            ? new ServerErrorLog(Path.Combine(folder, "server-errors.log"), server)
            : null;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string category, LogLevel level, string message, Exception? exception)
    {
        // One line per entry, so the test command can pick a failed test's entries with grep.
        var text = exception is null ? message : $"{message} {exception}";
        var line = $"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} [{_server}] {level} {category}: {text.ReplaceLineEndings(" | ")}{Environment.NewLine}";
        lock (FileLock)
        {
            File.AppendAllText(_path, line);
        }
    }

    private sealed class Logger(ServerErrorLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Append(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
