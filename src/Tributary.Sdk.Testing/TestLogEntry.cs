using Microsoft.Extensions.Logging;

namespace Tributary.Sdk.Testing;

/// <summary>One message a function logged through <see cref="SyncContext.Logger"/>.</summary>
/// <param name="Level">The message's level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
public sealed record TestLogEntry(LogLevel Level, string Message, Exception? Exception);
