using System.Text.Json.Nodes;
using Tributary.Core.Connect;
using Tributary.Server.Connect;

namespace Tributary.Server.Endpoints;

/// <summary>Nango's connect sessions (reference §A.2): created with the secret key, read and deleted with their own token.</summary>
internal static class ConnectSessionEndpoints
{
    public static IEndpointRouteBuilder MapConnectSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("POST", "/connect/sessions", "environment:connect_sessions:write", (c, t) => CreateAsync(c, t, reconnect: false))
            .WithName("createConnectSession").WithTags("Connect").WithSummary("Create a connect session")
            .WithDescription("A 30-minute token a product's frontend uses to run one auth flow (OAuth redirect, API key, basic) without the secret key.")
            .Produces(StatusCodes.Status201Created).ProducesErrors(400, 403);
        app.MapApi("POST", "/connect/sessions/reconnect", "environment:connect_sessions:write", (c, t) => CreateAsync(c, t, reconnect: true))
            .WithName("createReconnectSession").WithTags("Connect").WithSummary("Create a connect session that re-authorizes a connection")
            .Produces(StatusCodes.Status201Created).ProducesErrors(400, 403);
        app.MapMethods("/connect/session", ["GET"], GetAsync).WithName("getConnectSession").WithTags("Connect").WithSummary("Read the connect session of the Bearer session token");
        app.MapMethods("/connect/session", ["DELETE"], DeleteAsync).WithName("deleteConnectSession").WithTags("Connect").WithSummary("Delete the connect session of the Bearer session token");
        return app;
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant, bool reconnect)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        if (await ParsedBody.ReadAsync(context, b => ConnectSessionRequestParser.Parse(b, reconnect)) is not { } request)
        {
            return;
        }

        // Nango refuses a docs link override unless the account's plan allows it, and a self-hosted Nango has no plan.
        if (request.Body["overrides"] is JsonObject overrides && overrides.Any(o => o.Value is JsonObject entry && entry.ContainsKey("docs_connect")))
        {
            await JsonResponses.ErrorAsync(context, new ApiError(StatusCodes.Status403Forbidden, "forbidden", "You are not allowed to override the docs connect url"));
            return;
        }

        var sessions = context.RequestServices.GetRequiredService<ConnectSessionService>();
        var created = reconnect
            ? await sessions.CreateReconnectAsync(tenant, request.ConnectionId!, request.IntegrationId!, request.Body, context.RequestAborted)
            : await sessions.CreateAsync(tenant, request.Body, context.RequestAborted);
        var answer = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["token"] = created.Token,
                ["connect_link"] = $"{ConnectUrls.PublicBase(context)}/connect?session_token={created.Token}",
                ["expires_at"] = created.ExpiresAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        await JsonResponses.WriteRenderedAsync(context, StatusCodes.Status201Created, answer.ToJsonString());
    }

    private static async Task GetAsync(HttpContext context)
    {
        if (await ConnectSessionAuth.AuthenticateAsync(context) is not { } session)
        {
            return;
        }

        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        await JsonResponses.WriteRenderedAsync(context, StatusCodes.Status200OK, new JsonObject { ["data"] = SessionOutput(session) }.ToJsonString());
    }

    /// <summary>
    /// Nango's answer (<c>getConnectSession</c>): the end user's id, display name and email (each only when set), the
    /// organization, <c>allowed_integrations</c>, each integration default's <c>connection_config</c> and
    /// <c>authorization_params</c>, <c>isReconnecting: true</c> for a reconnect session, and <c>overrides</c>.
    /// </summary>
    private static JsonObject SessionOutput(ConnectSession session)
    {
        var body = session.Body;
        var endUser = body["end_user"] as JsonObject;
        var data = new JsonObject { ["end_user"] = CopyPresent(endUser, "id", "display_name", "email") };
        if (body["organization"] is JsonObject organization)
        {
            data["organization"] = CopyPresent(organization, "id", "display_name");
        }

        if (body["allowed_integrations"] is JsonArray allowed)
        {
            data["allowed_integrations"] = allowed.DeepClone();
        }

        if (body["integrations_config_defaults"] is JsonObject defaults)
        {
            var shown = new JsonObject();
            foreach (var (key, value) in defaults)
            {
                var entry = new JsonObject { ["connection_config"] = value?["connection_config"]?.DeepClone() ?? new JsonObject() };
                if (value?["authorization_params"] is JsonObject authorizationParams)
                {
                    entry["authorization_params"] = authorizationParams.DeepClone();
                }

                shown[key] = entry;
            }

            data["integrations_config_defaults"] = shown;
        }

        if (session.ConnectionId is not null)
        {
            data["isReconnecting"] = true;
        }

        if (body["overrides"] is JsonObject overrides)
        {
            data["overrides"] = overrides.DeepClone();
        }

        return data;
    }

    private static JsonObject CopyPresent(JsonObject? source, params string[] names)
    {
        var copy = new JsonObject();
        foreach (var name in names)
        {
            if (source?[name] is JsonValue value && !(value.TryGetValue<string>(out var text) && text.Length == 0))
            {
                copy[name] = value.DeepClone();
            }
        }

        return copy;
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        if (await ConnectSessionAuth.AuthenticateAsync(context) is not { } session)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectSessionService>().DeleteAsync(session, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
