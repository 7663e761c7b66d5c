namespace Tributary.Core.Credentials;

/// <summary>
/// A connection's credentials could not be refreshed. The message says what the provider answered (status and its
/// <c>error</c>/<c>error_description</c>) and never carries a token or secret; the stored credentials are unchanged.
/// </summary>
public sealed class ConnectionRefreshException : Exception
{
    public ConnectionRefreshException()
    {
    }

    public ConnectionRefreshException(string message)
        : base(message)
    {
    }

    public ConnectionRefreshException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Nothing was asked of the provider: its last refresh failed less than the cooldown ago (Nango's backoff), so the
    /// failure may pass by itself.
    /// </summary>
    public bool InBackoff { get; init; }
}
