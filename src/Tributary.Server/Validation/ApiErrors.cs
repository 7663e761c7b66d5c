namespace Tributary.Server.Validation;

/// <summary>Factories for the error answers shared by the sync and records endpoints.</summary>
internal static class ApiErrors
{
    public static ApiError InvalidQueryParams(IReadOnlyList<ValidationIssue> issues) =>
        new(StatusCodes.Status400BadRequest, "invalid_query_params", Errors: issues);

    public static ApiError InvalidBody(IReadOnlyList<ValidationIssue> issues) =>
        new(StatusCodes.Status400BadRequest, "invalid_body", Errors: issues);

    public static ApiError InvalidBody(string message) =>
        new(StatusCodes.Status400BadRequest, "invalid_body", message);

    public static ApiError InvalidHeaders(IReadOnlyList<ValidationIssue> issues) =>
        new(StatusCodes.Status400BadRequest, "invalid_headers", Errors: issues);

    public static ApiError InvalidUriParams(IReadOnlyList<ValidationIssue> issues) =>
        new(StatusCodes.Status400BadRequest, "invalid_uri_params", Errors: issues);

    /// <summary>Nango's <c>errRes(res, code)</c> for a missing parameter: "Missing param '<paramref name="param"/>'.", an empty payload.</summary>
    public static ApiError MissingParam(string code, string param) =>
        new(StatusCodes.Status400BadRequest, code, $"Missing param '{param}'.", Payload: new System.Text.Json.Nodes.JsonObject());

    public static ApiError InvalidContentType() =>
        new(StatusCodes.Status415UnsupportedMediaType, "invalid_content_type", "Content-Type header must be application/json");

    /// <summary>A body that is not JSON at all; Nango passes the parser's own message through.</summary>
    public static ApiError InvalidJson(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ApiError(StatusCodes.Status400BadRequest, "invalid_json", exception.Message);
    }
}
