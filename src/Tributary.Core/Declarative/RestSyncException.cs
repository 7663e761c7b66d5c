namespace Tributary.Core.Declarative;

/// <summary>A <c>rest:</c> sync cannot go on: a placeholder without a value, a record without its id. Fails the run with the message.</summary>
public sealed class RestSyncException : Exception
{
    public RestSyncException()
    {
    }

    public RestSyncException(string message)
        : base(message)
    {
    }

    public RestSyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
