using System.Text.Json.Nodes;
using Tributary.Core.Connect;
using Tributary.Core.Errors;
using Tributary.Core.Providers;
using Tributary.Server.Connect;

namespace Tributary.Server.Endpoints;

/// <summary>
/// The browser-facing auth endpoints (reference §A.3): the OAuth redirect and callback, API-key, basic and
/// client-credentials connections, each authenticated by a connect session token; and the SDK's WebSocket at <c>/</c>.
/// </summary>
internal static class ConnectFlowEndpoints
{
    public static IEndpointRouteBuilder MapConnectFlowEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", ["GET"], WebSocketAsync).ExcludeFromDescription();
        app.MapMethods("/oauth/connect/{providerConfigKey}", ["GET"], OAuthConnectAsync)
            .WithName("oauthConnect").WithTags("Connect").WithSummary("Start an OAuth2 connection (redirects to the provider)");
        app.MapMethods("/oauth/callback", ["GET"], OAuthCallbackAsync)
            .WithName("oauthCallback").WithTags("Connect").WithSummary("The OAuth2 redirect URI");
        app.MapMethods("/api-auth/api-key/{providerConfigKey}", ["POST"], c => CredentialsAsync(c, AuthMode.ApiKey))
            .WithName("apiKeyAuth").WithTags("Connect").WithSummary("Connect with an API key");
        app.MapMethods("/api-auth/basic/{providerConfigKey}", ["POST"], c => CredentialsAsync(c, AuthMode.Basic))
            .WithName("basicAuth").WithTags("Connect").WithSummary("Connect with a username and password");
        app.MapMethods("/oauth2/auth/{providerConfigKey}", ["POST"], ClientCredentialsAsync)
            .WithName("oauth2ClientCredentials").WithTags("Connect").WithSummary("Connect with OAuth2 client credentials");
        return app;
    }

    private static async Task WebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectWebSockets>().AcceptAsync(context);
    }

    private static async Task OAuthConnectAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var key = (string)context.Request.RouteValues["providerConfigKey"]!;
        var webSocketClientId = One(query, "ws_client_id");
        var (session, authError) = await ConnectSessionAuth.TryAuthenticateFlowAsync(context);
        if (session is null)
        {
            await FailOAuthConnectAsync(context, webSocketClientId, key, authError!);
            return;
        }

        var start = new OAuthStart(
            ConnectUrls.Callback(context), Bracketed(query, "params"), Bracketed(query, "authorization_params"), webSocketClientId, Bracketed(query, "credentials"));
        Uri url;
        try
        {
            url = await context.RequestServices.GetRequiredService<ConnectFlowService>().StartOAuthAsync(session, key, start, context.RequestAborted);
        }
        catch (TributaryException ex) when (webSocketClientId is not null)
        {
            await FailOAuthConnectAsync(context, webSocketClientId, key, ApiErrorMapping.ToApiError(ex));
            return;
        }

        context.Response.Redirect(url.AbsoluteUri);
    }

    /// <summary>
    /// A flow that cannot start. Called without <c>ws_client_id</c> (a plain HTTP client), the JSON error as everywhere.
    /// From <c>@nangohq/frontend</c>'s popup, as Nango does: the error goes to the SDK's WebSocket, so its promise
    /// rejects instead of waiting forever, and the popup shows the error page.
    /// </summary>
    private static async Task FailOAuthConnectAsync(HttpContext context, string? webSocketClientId, string key, ApiError error)
    {
        if (webSocketClientId is null)
        {
            await JsonResponses.ErrorAsync(context, error);
            return;
        }

        var message = WebSocketErrors.From(key, null, error.Code, error.TopLevelMessage);
        await context.RequestServices.GetRequiredService<ConnectWebSockets>().NotifyAsync(webSocketClientId, message, context.RequestAborted);
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(CallbackPage.Render(error.Code), context.RequestAborted);
    }

    private static async Task OAuthCallbackAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var callback = new OAuthCallback(
            One(query, "state"),
            One(query, "code"),
            One(query, "error"),
            One(query, "error_description"),
            ConnectUrls.Callback(context),
            query.Where(p => p.Value.Count == 1).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal));
        var outcome = await context.RequestServices.GetRequiredService<ConnectFlowService>().CompleteOAuthAsync(callback, context.RequestAborted);
        var message = outcome switch
        {
            { Success: true } => new JsonObject
            {
                ["message_type"] = "success",
                ["provider_config_key"] = outcome.ProviderConfigKey,
                ["connection_id"] = outcome.ConnectionId,
                ["is_pending"] = false,
            },
            // A known state without a code: the provider sent the user back with an error (consent denied, say).
            { ProviderConfigKey: not null } when string.IsNullOrEmpty(callback.Code) =>
                WebSocketErrors.ProviderSentNoCode(outcome.ProviderConfigKey, outcome.ConnectionId, callback.Query ?? new Dictionary<string, string>()),
            _ => WebSocketErrors.From(outcome.ProviderConfigKey, outcome.ConnectionId, outcome.ErrorType!, outcome.ErrorDescription ?? outcome.ErrorType!),
        };
        await context.RequestServices.GetRequiredService<ConnectWebSockets>().NotifyAsync(outcome.WebSocketClientId, message, context.RequestAborted);
        context.Response.StatusCode = outcome.Success ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(CallbackPage.Render(outcome.Success ? null : outcome.ErrorType), context.RequestAborted);
    }

    /// <remarks>
    /// Nango's order (<c>postPublicApiKeyAuthorization</c>, <c>postPublicBasicAuthorization</c>): the session, the body,
    /// the query's <c>connection_id</c> (its pattern), the route's key (its pattern), and only then a <c>connection_id</c>
    /// beside a session token is refused.
    /// </remarks>
    private static async Task CredentialsAsync(HttpContext context, AuthMode mode)
    {
        if (await ConnectSessionAuth.AuthenticateAsync(context) is not { } session)
        {
            return;
        }

        if (await ParsedBody.ReadAsync(context, b => ParseCredentials(b, mode)) is not { } credentials)
        {
            return;
        }

        var key = (string)context.Request.RouteValues["providerConfigKey"]!;
        if (CheckCredentialsInput(context, key) is { } inputError)
        {
            await JsonResponses.ErrorAsync(context, inputError);
            return;
        }

        var config = new JsonObject();
        foreach (var (name, value) in Bracketed(context.Request.Query, "params"))
        {
            config[name] = value;
        }

        var connectionId = await context.RequestServices.GetRequiredService<ConnectFlowService>()
            .ConnectWithCredentialsAsync(session, key, mode, credentials, config, context.RequestAborted);
        await JsonResponses.WriteRenderedAsync(
            context, StatusCodes.Status200OK, new JsonObject { ["connectionId"] = connectionId, ["providerConfigKey"] = key }.ToJsonString());
    }

    private static async Task ClientCredentialsAsync(HttpContext context)
    {
        if (await ConnectSessionAuth.AuthenticateFlowAsync(context) is not { } session)
        {
            return;
        }

        if (await ParsedBody.ReadAsync(context, ClientCredentialsBodyParser.Parse) is not { } body)
        {
            return;
        }

        var key = (string)context.Request.RouteValues["providerConfigKey"]!;
        var config = new JsonObject();
        foreach (var (name, value) in Bracketed(context.Request.Query, "params"))
        {
            config[name] = value;
        }

        var connectionId = await context.RequestServices.GetRequiredService<ConnectFlowService>()
            .ConnectWithClientCredentialsAsync(session, key, body.Client, config, context.RequestAborted);
        await JsonResponses.WriteRenderedAsync(
            context, StatusCodes.Status200OK, new JsonObject { ["connectionId"] = connectionId, ["providerConfigKey"] = key }.ToJsonString());
    }

    /// <summary>The query's <c>connection_id</c> and the route's key as Nango checks them, then the session's rule on <c>connection_id</c>.</summary>
    private static ApiError? CheckCredentialsInput(HttpContext context, string key)
    {
        var query = QueryInput.From(context.Request.Query);
        var issues = new IssueList();
        QueryFields.ReadString(query, "connection_id", required: false, StringRule.ConnectionId, issues);
        if (!issues.IsEmpty)
        {
            return ApiErrors.InvalidQueryParams(issues.Items);
        }

        StringRule.ProviderConfigKey.Check(key, ["providerConfigKey"], issues);
        if (!issues.IsEmpty)
        {
            return ApiErrors.InvalidUriParams(issues.Items);
        }

        return ConnectSessionAuth.ForbiddenConnectionId(context);
    }

    /// <summary>Nango's strict bodies: <c>{apiKey: 1..1024}</c> or <c>{username, password}</c> (each ≤ 1024).</summary>
    private static ParseResult<JsonObject> ParseCredentials(JsonElement? body, AuthMode mode)
    {
        string[] fields = mode == AuthMode.ApiKey ? ["apiKey"] : ["username", "password"];
        var issues = new IssueList();
        if (body is not { ValueKind: JsonValueKind.Object } element)
        {
            var received = body is { } given ? JsonTypeName.Of(given) : JsonTypeName.Undefined;
            return ParseResult<JsonObject>.Invalid(ApiErrors.InvalidBody([new ValidationIssue(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", received), [])]));
        }

        var credentials = new JsonObject { ["type"] = AuthModes.ToName(mode) };
        foreach (var field in fields)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(value)), [field]);
                continue;
            }

            var text = value.GetString()!;
            if ((mode == AuthMode.ApiKey && text.Length == 0) || text.Length > 1024)
            {
                issues.Add(text.Length == 0 ? ZodCodes.TooSmall : ZodCodes.TooBig, text.Length == 0 ? ZodMessages.StringTooSmall(1) : ZodMessages.StringTooBig(1024), [field]);
                continue;
            }

            credentials[field] = text;
        }

        // zod v4 (Nango's) reports the unknown keys as one issue, after the known keys' issues.
        issues.AddUnrecognizedKeys([.. element.EnumerateObject().Select(p => p.Name).Where(n => !fields.Contains(n, StringComparer.Ordinal))], []);
        return issues.IsEmpty ? ParseResult<JsonObject>.Valid(credentials) : ParseResult<JsonObject>.Invalid(ApiErrors.InvalidBody(issues.Items));
    }

    /// <summary>The <c>name[k]=v</c> query parameters as a map (Nango's <c>params[…]</c> and <c>authorization_params[…]</c>).</summary>
    private static Dictionary<string, string> Bracketed(IQueryCollection query, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (key.Length > name.Length + 2 && key.StartsWith(name + "[", StringComparison.Ordinal) && key.EndsWith(']') && values.Count == 1)
            {
                map[key[(name.Length + 1)..^1]] = values.ToString();
            }
        }

        return map;
    }

    private static string? One(IQueryCollection query, string name) => query[name] is { Count: 1 } value ? value.ToString() : null;
}
