using Tributary.Contracts;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>An <see cref="ApiError"/> as the wire's <see cref="ErrorBody"/>: issues only when there are some.</summary>
internal static class ErrorBodies
{
    public static ErrorBody From(ApiError error) => new(
        new ErrorDetail(
            error.Code,
            error.Message,
            error.Errors is { Count: > 0 } issues ? issues.Select(i => new ErrorIssue(i.Code, i.Message, i.Path)).ToList() : null,
            error.Payload),
        error.TopLevelMessage);
}
