using Tributary.Core.Errors;

namespace Tributary.Server.Http;

/// <summary>
/// The one place expected failures become Nango's error body, and unexpected ones a 500 with a support id
/// (logged once, here).
/// </summary>
internal sealed class ErrorHandlingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorHandlingMiddleware> _logger;

    public ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        catch (TributaryException ex) when (!context.Response.HasStarted)
        {
            await JsonResponses.ErrorAsync(context, ApiErrorMapping.ToApiError(ex));
        }
        catch (ApiErrorException ex) when (!context.Response.HasStarted)
        {
            await JsonResponses.ErrorAsync(context, ex.Error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var id = Guid.NewGuid().ToString();
            _logger.LogError(ex, "Unhandled error {SupportId} on {Method} {Path}.", id, context.Request.Method, context.Request.Path);
            await JsonResponses.ErrorAsync(context, new ApiError(
                500,
                "generic_error_support",
                $"An error occurred. Please contact support with this unique id: \"{id}\"",
                null,
                System.Text.Json.Nodes.JsonValue.Create(id)));
        }
    }
}
