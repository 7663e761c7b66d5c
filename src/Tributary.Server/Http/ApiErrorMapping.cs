using Tributary.Core.Errors;

namespace Tributary.Server.Http;

/// <summary>The one mapping from Core's failure kinds to Nango's HTTP status and error body.</summary>
internal static class ApiErrorMapping
{
    public static ApiError ToApiError(TributaryException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is InvalidBodyException invalid)
        {
            return ApiErrors.InvalidBody([.. invalid.Issues.Take(InputLimits.MaxIssues).Select(i => new ValidationIssue(i.Code, i.Message, i.Path))]);
        }

        var status = exception switch
        {
            NotFoundException => StatusCodes.Status404NotFound,
            ConflictException => StatusCodes.Status409Conflict,
            ForbiddenException => StatusCodes.Status403Forbidden,
            DependencyFailedException => StatusCodes.Status424FailedDependency,
            InvalidInputException or LimitReachedException => StatusCodes.Status400BadRequest,
            _ => throw new InvalidOperationException($"No HTTP status for {exception.GetType().Name}."),
        };
        return new ApiError(status, exception.Code, exception.ErrorMessage, null, exception.Payload);
    }
}

/// <summary>
/// An error answer found by the server's own request parsing deep inside a handler (a bad cursor, say), thrown so
/// the error middleware writes it; Core's failures are <see cref="TributaryException"/>s instead.
/// </summary>
internal sealed class ApiErrorException(ApiError error) : Exception(error.Message ?? error.Code)
{
    public ApiError Error { get; } = error;
}
