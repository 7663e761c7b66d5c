using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Tributary.FakeProviders;

/// <summary><c>GET /authorize</c> shows the consent page (or approves at once); <c>POST /authorize</c> is its answer.</summary>
internal static class AuthorizeEndpoints
{
    public static Task ShowAsync(HttpContext context, FakeOAuthServer server)
    {
        var query = context.Request.Query.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        switch (AuthorizeValidator.Validate(query, server))
        {
            case AuthorizeOutcome.ErrorPage error:
                return WriteErrorPageAsync(context, error.Message);
            case AuthorizeOutcome.RedirectError error:
                return RedirectAsync(context, error.RedirectUri, ("error", error.Error), ("error_description", error.Description), ("state", error.State));
            case AuthorizeOutcome.Accepted accepted:
                if (server.AutoApprove || string.Equals(context.Request.Query["auto"], "1", StringComparison.Ordinal))
                {
                    return ApproveAsync(context, server, accepted.Request);
                }

                var requestId = server.Codes.AddPendingConsent(accepted.Request);
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(
                    ConsentPage.Render(context.Request.PathBase + context.Request.Path, requestId, accepted.Request),
                    context.RequestAborted);
            default:
                throw new InvalidOperationException("Unknown authorize outcome.");
        }
    }

    public static async Task AnswerAsync(HttpContext context, FakeOAuthServer server)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteErrorPageAsync(context, "The consent answer must be a form post.");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var requestId = form["request_id"].ToString();
        if (requestId.Length == 0 || !server.Codes.TryTakePendingConsent(requestId, server.CodeLifetime, out var request))
        {
            await WriteErrorPageAsync(context, "This consent request is unknown, expired or already answered.");
            return;
        }

        if (string.Equals(form["decision"], "allow", StringComparison.Ordinal))
        {
            await ApproveAsync(context, server, request);
            return;
        }

        await RedirectAsync(context, request.RedirectUri, ("error", "access_denied"), ("error_description", "The user denied access."), ("state", request.State));
    }

    private static Task ApproveAsync(HttpContext context, FakeOAuthServer server, AuthorizationRequest request)
    {
        var code = server.Codes.IssueCode(request);
        var target = request.RedirectUri;
        foreach (var (name, value) in server.ExtraCallbackParameters)
        {
            target = QueryHelpers.AddQueryString(target, name, value);
        }

        return RedirectAsync(context, target, ("code", code), ("state", request.State));
    }

    private static Task RedirectAsync(HttpContext context, string redirectUri, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var target = redirectUri;
        foreach (var (name, value) in parameters)
        {
            if (value is not null)
            {
                target = QueryHelpers.AddQueryString(target, name, value);
            }
        }

        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = new StringValues(target);
        return Task.CompletedTask;
    }

    private static Task WriteErrorPageAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(ConsentPage.Error(message), context.RequestAborted);
    }
}
