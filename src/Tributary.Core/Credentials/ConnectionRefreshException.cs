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
}
