namespace Tributary.Sdk.Paging;

/// <summary>
/// Thrown when a paginated response cannot be followed: its body is not JSON, the items are not where
/// <see cref="PaginationOptions.ResponsePath"/> says, a next link leaves the API's origin, a cursor repeats, or the
/// pagination would exceed <see cref="PaginationOptions.MaxPages"/>. The message names the page and the URL path
/// (never its query, which may carry credentials).
/// </summary>
public sealed class PaginationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PaginationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PaginationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
