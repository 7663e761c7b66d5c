using System.Text.Json.Nodes;
using Tributary.Contracts;
using Tributary.Contracts;
using Tributary.Core.Connect;
using Tributary.Core.Domain;
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
            .AcceptsJson<Contracts.ConnectSessionRequest>().Produces<ConnectSessionCreated>(StatusCodes.Status201Created).ProducesErrors(400, 403);
        app.MapApi("POST", "/connect/sessions/reconnect", "environment:connect_sessions:write", (c, t) => CreateAsync(c, t, reconnect: true))
            .WithName("createReconnectSession").WithTags("Connect").WithSummary("Create a connect session that re-authorizes a connection")
            .AcceptsJson<ReconnectSessionRequest>().Produces<ConnectSessionCreated>(StatusCodes.Status201Created).ProducesErrors(400, 403);
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

        var sessions = context.RequestServices.GetRequiredService<ConnectSessionService>();
        var created = reconnect
            ? await sessions.CreateReconnectAsync(tenant, request.ConnectionId!, request.IntegrationId!, request.Body, context.RequestAborted)
            : await sessions.CreateAsync(tenant, request.Body, context.RequestAborted);
        // The contract the document describes, so the two cannot part.
        var answer = new ConnectSessionCreated(new ConnectSessionToken(
            created.Token,
            $"{ConnectUrls.PublicBase(context)}/connect?session_token={created.Token}",
            Micros.ToIsoString(Micros.From(created.ExpiresAt))));
        await JsonResponses.WriteAsync(context, StatusCodes.Status201Created, answer, JsonResponses.Json.ConnectSessionCreated);
    }

    private static async Task GetAsync(HttpContext context)
    {
        if (await AuthenticatedWithoutInputAsync(context) is not { } session)
        {
            return;
        }

        await JsonResponses.WriteRenderedAsync(context, StatusCodes.Status200OK, new JsonObject { ["data"] = SessionOutput(session) }.ToJsonString());
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        if (await AuthenticatedWithoutInputAsync(context) is not { } session)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectSessionService>().DeleteAsync(session, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// Nango's order on <c>GET</c> and <c>DELETE /connect/session</c>: the session from the <c>Authorization</c> header,
    /// then an empty query, then an empty body (none, or <c>{}</c>).
    /// </summary>
    /// <returns>The session, or null when an error was already answered.</returns>
    private static async Task<ConnectSession?> AuthenticatedWithoutInputAsync(HttpContext context)
    {
        if (await ConnectSessionAuth.AuthenticateHeaderAsync(context) is not { } session)
        {
            return null;
        }

        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return null;
        }

        var (body, bodyError) = await RequestBody.ReadAsync(context);
        bodyError ??= RequestChecks.RequireEmptyBody(body);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return null;
        }

        return session;
    }

    /// <summary>
    /// Nango's answer (<c>getConnectSession</c>): <c>endUser</c> — its id, and its display name, email, tags and
    /// organization each null when not set — or null for a session made with tags only; <c>allowed_integrations</c>,
    /// each integration default's <c>connection_config</c> and <c>authorization_params</c>, <c>isReconnecting: true</c>
    /// for a reconnect session, <c>overrides</c>, each only when the session has them; and Nango's default
    /// <c>connectUISettings</c> (Tributary serves no Connect UI to customise).
    /// </summary>
    private static JsonObject SessionOutput(ConnectSession session)
    {
        var body = session.Body;
        var data = new JsonObject { ["endUser"] = EndUserOutput(body["end_user"] as JsonObject, body["organization"] as JsonObject) };
        if (body["allowed_integrations"] is JsonArray allowed)
        {
            data["allowed_integrations"] = allowed.DeepClone();
        }

        if (body["integrations_config_defaults"] is JsonObject defaults)
        {
            var shown = new JsonObject();
            foreach (var (key, value) in defaults)
            {
                var entry = new JsonObject();
                if (value?["connection_config"] is JsonObject connectionConfig)
                {
                    entry["connection_config"] = connectionConfig.DeepClone();
                }

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

        data["connectUISettings"] = DefaultConnectUISettings();
        return data;
    }

    private static JsonObject? EndUserOutput(JsonObject? endUser, JsonObject? organization)
    {
        if (endUser is null)
        {
            return null;
        }

        return new JsonObject
        {
            ["id"] = endUser["id"]?.DeepClone(),
            ["display_name"] = SetOrNull(endUser["display_name"]),
            ["email"] = SetOrNull(endUser["email"]),
            ["tags"] = endUser["tags"] is JsonObject tags ? tags.DeepClone() : null,
            ["organization"] = organization is null
                ? null
                : new JsonObject { ["id"] = organization["id"]?.DeepClone(), ["display_name"] = SetOrNull(organization["display_name"]) },
        };
    }

    /// <summary>JavaScript's <c>value || null</c> for a string: an absent or empty one is null.</summary>
    private static JsonValue? SetOrNull(JsonNode? value) =>
        value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 0 ? JsonValue.Create(s) : null;

    /// <summary>Nango's <c>getDefaultConnectUISettings()</c> of a self-hosted, non-enterprise server.</summary>
    private static JsonObject DefaultConnectUISettings() => new()
    {
        ["showWatermark"] = true,
        ["defaultTheme"] = "system",
        ["theme"] = new JsonObject
        {
            ["light"] = new JsonObject { ["primary"] = "#00B2E3" },
            ["dark"] = new JsonObject { ["primary"] = "#00B2E3" },
        },
    };
}
