namespace Tributary.Core.Services;

/// <summary>
/// A forced refresh (<c>force_refresh=true</c>) the provider refused: Nango's 400 <c>invalid_credentials</c>, whose
/// payload carries the connection without its credentials (<see cref="Connection"/>, read after the failure was
/// recorded, so its <c>errors</c> say it). The message is what the provider answered, never a token.
/// </summary>
public sealed class ForcedRefreshFailedException(string message, ConnectionView connection) : Exception(message)
{
    public ConnectionView Connection { get; } = connection;
}
