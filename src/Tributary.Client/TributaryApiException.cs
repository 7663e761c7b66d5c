namespace Tributary.Client;

/// <summary>A non-2xx answer from the server, with Nango's error code and message.</summary>
public sealed class TributaryApiException : Exception
{
    /// <summary>Creates the exception for one answer.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="code">Nango's error code (<c>unknown_connection</c>, <c>too_many_request</c>…), or <c>http_error</c> when the body is not Nango's.</param>
    /// <param name="message">Nango's error message, or the body's text.</param>
    /// <param name="body">The body as the server sent it.</param>
    public TributaryApiException(int status, string code, string message, string body)
        : base($"{status} {code}: {message}")
    {
        Status = status;
        Code = code;
        ErrorMessage = message;
        Body = body;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Nango's error code, e.g. <c>unknown_connection</c>; <c>http_error</c> when the body was not an error body.</summary>
    public string Code { get; }

    /// <summary>Nango's error message alone (without the status and code that <see cref="Exception.Message"/> adds).</summary>
    public string ErrorMessage { get; }

    /// <summary>The answer's body as the server sent it.</summary>
    public string Body { get; }

    internal static TributaryApiException From(int status, string text)
    {
        var error = ApiTransport.TryReadError(text);
        var message = error?.Error.Message ?? error?.Message ?? text;
        return new TributaryApiException(status, error?.Error.Code ?? "http_error", message, text);
    }
}
