using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Server.Endpoints;

/// <summary>Nango's connection import, read, delete and metadata endpoints.</summary>
internal static class ConnectionEndpoints
{
    /// <summary>Nango's scope for a connection's credentials, beyond <c>environment:connections:read</c>.</summary>
    public const string ReadCredentialsScope = "environment:connections:read_credentials";

    // Nango's finer connection scopes (its write and read are the legacy ones here): each also grants the operations
    // Nango's routes give it.
    private const string Create = "environment:connections:create";
    private const string Update = "environment:connections:update";
    private const string Delete = "environment:connections:delete";
    private const string List = "environment:connections:list";
    private const string ListCredentials = "environment:connections:list_credentials";

    /// <summary>Nango's message for a forced refresh the provider refused.</summary>
    internal const string RefreshFailedMessage = "The external API returned an error when trying to refresh the access token. Please try again later.";

    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("POST", "/connections", "environment:connections:write", CreateAsync, Create)
            .WithName("createConnection").WithTags("Connections").WithSummary("Import a connection")
            .WithDescription("Creates a connection with its credentials (API_KEY, BASIC, OAUTH2 or NONE) and one sync per enabled sync config of the integration.")
            .AcceptsJson<Contracts.ConnectionCreateRequest>().Produces<ConnectionResponse>(StatusCodes.Status201Created).ProducesErrors(400, 404, 409);
        app.MapApi("GET", "/connections", "environment:connections:read", ListAsync, List, ListCredentials)
            .WithName("listConnections").WithTags("Connections").WithSummary("List connections")
            .AcceptsQuery<Contracts.ConnectionListQuery>().Produces<ConnectionListResponse>().ProducesErrors(400);
        app.MapApi("GET", "/connections/{connectionId}", "environment:connections:read", GetAsync, ReadCredentialsScope)
            .WithName("getConnection").WithTags("Connections").WithSummary("Get a connection (with credentials)")
            .AcceptsQuery<ConnectionTargetQuery>().Produces<ConnectionResponse>().ProducesErrors(400, 404);
        app.MapApi("DELETE", "/connections/{connectionId}", "environment:connections:write", DeleteAsync, Delete)
            .WithName("deleteConnection").WithTags("Connections").WithSummary("Delete a connection")
            .WithDescription("Deletes the connection with its syncs, runs (running ones are cancelled), checkpoints and records.")
            .AcceptsQuery<ConnectionKeyQuery>().Produces<SuccessResponse>().ProducesErrors(400);
        app.MapApi("PATCH", "/connections/{connectionId}", "environment:connections:write", PatchAsync, Update)
            .WithName("patchConnection").WithTags("Connections").WithSummary("Update a connection's end user or tags")
            .WithDescription("Nango's patchConnection: replaces the connection's end user and/or its tags.")
            .AcceptsQuery<ConnectionKeyQuery>().AcceptsJson<ConnectionPatchBody>().Produces<SuccessResponse>().ProducesErrors(400, 404);
        app.MapApi("POST", "/connections/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: false), Update)
            .WithName("setConnectionMetadata").WithTags("Connections").WithSummary("Replace connection metadata")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>(StatusCodes.Status201Created).ProducesErrors(400, 404);
        app.MapApi("PATCH", "/connections/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: true), Update)
            .WithName("updateConnectionMetadata").WithTags("Connections").WithSummary("Merge into connection metadata")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>().ProducesErrors(400, 404);

        // Nango still routes its deprecated singular paths, which older @nangohq/node releases call: the same operations.
        app.MapApi("GET", "/connection", "environment:connections:read", ListAsync, List, ListCredentials)
            .WithName("listConnectionsDeprecated").WithTags("Connections").WithSummary("List connections (Nango's deprecated path)")
            .AcceptsQuery<Contracts.ConnectionListQuery>().Produces<ConnectionListResponse>().ProducesErrors(400);
        app.MapApi("GET", "/connection/{connectionId}", "environment:connections:read", GetAsync, ReadCredentialsScope)
            .WithName("getConnectionDeprecated").WithTags("Connections").WithSummary("Get a connection (Nango's deprecated path)")
            .AcceptsQuery<ConnectionTargetQuery>().Produces<ConnectionResponse>().ProducesErrors(400, 404);
        app.MapApi("DELETE", "/connection/{connectionId}", "environment:connections:write", DeleteAsync, Delete)
            .WithName("deleteConnectionDeprecated").WithTags("Connections").WithSummary("Delete a connection (Nango's deprecated path)")
            .AcceptsQuery<ConnectionKeyQuery>().Produces<SuccessResponse>().ProducesErrors(400);
        app.MapApi("POST", "/connection/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: false), Update)
            .WithName("setConnectionMetadataDeprecated").WithTags("Connections").WithSummary("Replace connection metadata (Nango's deprecated path)")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>(StatusCodes.Status201Created).ProducesErrors(400, 404);
        app.MapApi("PATCH", "/connection/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: true), Update)
            .WithName("updateConnectionMetadataDeprecated").WithTags("Connections").WithSummary("Merge into connection metadata (Nango's deprecated path)")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>().ProducesErrors(400, 404);
        app.MapApi("POST", "/connection/{connectionId}/metadata", "environment:connections:write", (c, t) => LegacyMetadataAsync(c, t, merge: false), Update)
            .WithName("setConnectionMetadataLegacy").WithTags("Connections").WithSummary("Replace one connection's metadata (Nango's deprecated path)")
            .WithDescription("The body is the metadata (an object; none is {}); the integration's key is the provider_config_key query parameter "
                + "or the Provider-Config-Key header. 201 with the body, as Nango.")
            .AcceptsQuery<LegacyMetadataQuery>().AcceptsHeaders<ProviderConfigKeyHeader>().AcceptsJson<JsonObject>().Produces<JsonObject>(StatusCodes.Status201Created).ProducesErrors(400, 404);
        app.MapApi("PATCH", "/connection/{connectionId}/metadata", "environment:connections:write", (c, t) => LegacyMetadataAsync(c, t, merge: true), Update)
            .WithName("updateConnectionMetadataLegacy").WithTags("Connections").WithSummary("Merge into one connection's metadata (Nango's deprecated path)")
            .WithDescription("As the POST, the body's top-level keys merged into the metadata; 200 with the body.")
            .AcceptsQuery<LegacyMetadataQuery>().AcceptsHeaders<ProviderConfigKeyHeader>().AcceptsJson<JsonObject>().Produces<JsonObject>().ProducesErrors(400, 404);
        return app;
    }

    /// <summary>Nango's deprecated per-connection metadata: POST (replace) answers 201, PATCH (merge) 200, both with the body.</summary>
    private static async Task LegacyMetadataAsync(HttpContext context, Tenant tenant, bool merge)
    {
        var request = await ParsedBody.ReadAsync(
            context, b => LegacyMetadataRequestParser.Parse(RouteConnectionId(context), context.Request.Query, NangoHeaders.From(context.Request.Headers), b));
        if (request is null)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectionService>()
            .SetMetadataOfConnectionAsync(tenant, request.ProviderConfigKey, request.ConnectionIds[0], request.Metadata, merge, context.RequestAborted);
        await JsonResponses.WriteAsync(context, merge ? StatusCodes.Status200OK : StatusCodes.Status201Created, request.Metadata, JsonResponses.Json.JsonObject);
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParsedBody.ReadAsync(context, b => ConnectionCreateRequestParser.Parse(context.Request.Query, b));
        if (request is null)
        {
            return;
        }

        var credentials = Core.Credentials.ImportedCredentials.Normalize(request.Credentials);
        var created = await context.RequestServices.GetRequiredService<ConnectionService>()
            .CreateAsync(
                tenant,
                new NewConnectionRequest(request.ProviderConfigKey, request.ConnectionId, credentials, request.MetadataJson) { ConnectionConfig = request.ConnectionConfig, WebhookUrlOverride = request.WebhookUrlOverride, MustMatchTheProvidersAuthMode = true },
                context.RequestAborted);
        await JsonResponses.WriteAsync(
            context,
            StatusCodes.Status201Created,
            ConnectionResponses.Full(created, PublicCredentials(credentials, returnRefreshToken: true), request.ConnectionConfig ?? [], RefreshStatus.None),
            JsonResponses.Json.ConnectionResponse);
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        var parsed = ConnectionListQueryParser.Parse(context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var query = parsed.Value;
        long? after = query.Cursor is null ? null : RecordCursor.Decode(query.Cursor, "cursor");
        var page = await context.RequestServices.GetRequiredService<ConnectionService>().ListPageAsync(
            tenant,
            new ConnectionListFilter(query.ConnectionId, query.IntegrationIds, after, query.Limit ?? Validation.ConnectionListQuery.DefaultLimit)
            {
                Search = query.Search,
                EndUserId = query.EndUserId,
                EndUserOrganizationId = query.EndUserOrganizationId,
                Tags = query.Tags,
                Page = query.Page,
            },
            context.RequestAborted);
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, ConnectionResponses.List(page.Connections, page.HasMore), JsonResponses.Json.ConnectionListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var parsed = ConnectionTargetParser.ParseGet(RouteConnectionId(context), context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        // Nango: credentials need their own scope; without it the answer has none, and asking for a refresh or the
        // refresh token is refused.
        var target = parsed.Value;
        var mayReadCredentials = context.Features.Get<ApiCaller>()?.Grants(ReadCredentialsScope) == true;
        if (!mayReadCredentials && target.AsksForCredentialOptions)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(403, "forbidden", $"Insufficient scope. Required: {ReadCredentialsScope}"));
            return;
        }

        ConnectionView view;
        try
        {
            view = await context.RequestServices.GetRequiredService<ConnectionService>()
                .GetAsync(tenant, target.ConnectionId, target.ProviderConfigKey, target.ForceRefresh, context.RequestAborted);
        }
        catch (ForcedRefreshFailedException ex)
        {
            // Nango's answer: its fixed message, and the connection with empty credentials; what the provider
            // answered is in the connection's errors (ex.Message, recorded with the failure).
            var failed = ex.Connection;
            var shown = ConnectionResponses.Full(failed.Connection, [], failed.ConnectionConfig, failed.Refresh, Micros.Now(context.RequestServices.GetRequiredService<TimeProvider>()));
            var payload = new JsonObject { ["connection"] = JsonSerializer.SerializeToNode(shown, JsonResponses.Json.ConnectionResponse) };
            await JsonResponses.ErrorAsync(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_credentials", RefreshFailedMessage, null, payload));
            return;
        }

        // Without the credentials scope Nango answers them empty (credentialsToPublicApi), never absent.
        await JsonResponses.WriteAsync(
            context,
            StatusCodes.Status200OK,
            ConnectionResponses.Full(
                view.Connection,
                mayReadCredentials ? PublicCredentials(view.Credentials, target.ReturnRefreshToken) : [],
                view.ConnectionConfig,
                view.Refresh,
                Micros.Now(context.RequestServices.GetRequiredService<TimeProvider>())),
            JsonResponses.Json.ConnectionResponse);
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        var parsed = ConnectionTargetParser.ParseDelete(RouteConnectionId(context), context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectionService>()
            .DeleteAsync(tenant, parsed.Value.ConnectionId, parsed.Value.ProviderConfigKey, context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    private static async Task PatchAsync(HttpContext context, Tenant tenant)
    {
        var patch = await ParsedBody.ReadAsync(context, b => ConnectionPatchRequestParser.Parse(RouteConnectionId(context), context.Request.Query, b));
        if (patch is null)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<ConnectionService>()
            .PatchAsync(tenant, patch.ConnectionId, patch.ProviderConfigKey, patch.EndUser, patch.Tags, context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    /// <summary>Nango: POST (replace) answers 201, PATCH (merge) 200, both with the request's body.</summary>
    private static async Task MetadataAsync(HttpContext context, Tenant tenant, bool merge)
    {
        JsonNode? sentIds = null;
        var parsedRequest = await ParsedBody.ReadAsync(context, b =>
        {
            sentIds = b is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("connection_id", out var ids) ? JsonNode.Parse(ids.GetRawText()) : null;
            return ConnectionMetadataRequestParser.Parse(context.Request.Query, b);
        });
        if (parsedRequest is null)
        {
            return;
        }

        var (ids, providerConfigKey, patch) = parsedRequest;
        await context.RequestServices.GetRequiredService<ConnectionService>()
            .SetMetadataAsync(tenant, providerConfigKey, ids, patch, merge, context.RequestAborted);

        var answer = new MetadataResponse(sentIds ?? JsonValue.Create(ids[0]), providerConfigKey, patch);
        await JsonResponses.WriteAsync(context, merge ? StatusCodes.Status200OK : StatusCodes.Status201Created, answer, JsonResponses.Json.MetadataResponse);
    }

    private static string RouteConnectionId(HttpContext context) => (string?)context.Request.RouteValues["connectionId"] ?? string.Empty;

    /// <summary>
    /// The credentials as Nango answers them: without <c>type</c> for a NONE connection (<c>{}</c>), and an OAuth2
    /// refresh token — at any depth, <c>raw</c> included — only when asked for (<c>refresh_token=true</c>).
    /// </summary>
    private static JsonObject PublicCredentials(JsonObject credentials, bool returnRefreshToken)
    {
        var type = (string?)credentials["type"];
        if (type == "NONE")
        {
            return [];
        }

        var copy = credentials.DeepClone().AsObject();
        if (type == "OAUTH2" && !returnRefreshToken)
        {
            RemoveRefreshTokens(copy);
        }

        return copy;
    }

    private static void RemoveRefreshTokens(JsonObject node)
    {
        node.Remove("refresh_token");
        foreach (var (_, child) in node)
        {
            if (child is JsonObject inner)
            {
                RemoveRefreshTokens(inner);
            }
        }
    }

}
