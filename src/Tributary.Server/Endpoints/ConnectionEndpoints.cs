using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Services;
using Tributary.Server.Endpoints.Responses;
using Tributary.Server.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Endpoints;

/// <summary>Nango's connection import, read, delete and metadata endpoints.</summary>
internal static class ConnectionEndpoints
{
    private static readonly string[] CredentialTypes = ["API_KEY", "BASIC", "OAUTH2", "NONE"];

    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("POST", "/connections", "environment:connections:write", CreateAsync)
            .WithName("createConnection").WithTags("Connections").WithSummary("Import a connection")
            .WithDescription("Creates a connection with its credentials (API_KEY, BASIC, OAUTH2 or NONE) and one sync per enabled sync config of the integration.")
            .AcceptsJson<ConnectionCreateRequest>().Produces<ConnectionResponse>(StatusCodes.Status201Created).ProducesErrors(400, 404, 409);
        app.MapApi("GET", "/connections", "environment:connections:read", ListAsync)
            .WithName("listConnections").WithTags("Connections").WithSummary("List connections")
            .AcceptsQuery<ConnectionListQuery>().Produces<ConnectionListResponse>();
        app.MapApi("GET", "/connections/{connectionId}", "environment:connections:read", GetAsync)
            .WithName("getConnection").WithTags("Connections").WithSummary("Get a connection (with credentials)")
            .AcceptsQuery<ConnectionTargetQuery>().Produces<ConnectionResponse>().ProducesErrors(400, 404);
        app.MapApi("DELETE", "/connections/{connectionId}", "environment:connections:write", DeleteAsync)
            .WithName("deleteConnection").WithTags("Connections").WithSummary("Delete a connection")
            .WithDescription("Deletes the connection with its syncs, runs (running ones are cancelled), checkpoints and records.")
            .AcceptsQuery<ConnectionTargetQuery>().Produces<SuccessResponse>().ProducesErrors(400, 404);
        app.MapApi("POST", "/connections/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: false))
            .WithName("setConnectionMetadata").WithTags("Connections").WithSummary("Replace connection metadata")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>().ProducesErrors(400, 404);
        app.MapApi("PATCH", "/connections/metadata", "environment:connections:write", (c, t) => MetadataAsync(c, t, merge: true))
            .WithName("updateConnectionMetadata").WithTags("Connections").WithSummary("Merge into connection metadata")
            .AcceptsJson<MetadataRequest>().Produces<MetadataResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            throw Invalid("The body must be a JSON object with provider_config_key, connection_id and credentials.", []);
        }

        var providerConfigKey = RequiredString(root, "provider_config_key");
        var connectionId = RequiredString(root, "connection_id");
        if (connectionId.Length > 255)
        {
            throw Invalid("connection_id: Too big: expected string to have <=255 characters", ["connection_id"]);
        }

        var credentials = ReadCredentials(root);
        var metadata = root.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null
            ? (m.ValueKind == JsonValueKind.Object ? m.GetRawText() : throw Invalid("metadata: expected an object", ["metadata"]))
            : "{}";

        var created = await context.RequestServices.GetRequiredService<ConnectionService>()
            .CreateAsync(tenant, providerConfigKey, connectionId, credentials, metadata, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status201Created, ConnectionResponses.Full(created, credentials), JsonResponses.Json.ConnectionResponse);
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        var connectionId = context.Request.Query["connectionId"].FirstOrDefault() ?? context.Request.Query["connection_id"].FirstOrDefault();
        var connections = await context.RequestServices.GetRequiredService<ConnectionService>().ListAsync(tenant, connectionId, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, ConnectionResponses.List(connections), JsonResponses.Json.ConnectionListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var (connectionId, providerConfigKey) = Target(context);
        var (connection, credentials) = await context.RequestServices.GetRequiredService<ConnectionService>()
            .GetAsync(tenant, connectionId, providerConfigKey, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, ConnectionResponses.Full(connection, credentials), JsonResponses.Json.ConnectionResponse);
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        var (connectionId, providerConfigKey) = Target(context);
        await context.RequestServices.GetRequiredService<ConnectionService>()
            .DeleteAsync(tenant, connectionId, providerConfigKey, context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    private static async Task MetadataAsync(HttpContext context, Tenant tenant, bool merge)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            throw Invalid("The body must be a JSON object with connection_id, provider_config_key and metadata.", []);
        }

        var providerConfigKey = RequiredString(root, "provider_config_key");
        if (!root.TryGetProperty("metadata", out var metadataElement) || metadataElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("metadata: expected an object", ["metadata"]);
        }

        var ids = root.TryGetProperty("connection_id", out var idElement) && idElement.ValueKind == JsonValueKind.Array
            ? idElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : [RequiredString(root, "connection_id")];
        var patch = JsonNode.Parse(metadataElement.GetRawText())!.AsObject(); // checked to be an object above
        await context.RequestServices.GetRequiredService<ConnectionService>()
            .SetMetadataAsync(tenant, providerConfigKey, ids, patch, merge, context.RequestAborted);

        var answer = new MetadataResponse(ids.Count == 1 ? ids[0] : string.Join(",", ids), providerConfigKey, patch);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, answer, JsonResponses.Json.MetadataResponse);
    }

    private static (string ConnectionId, string? ProviderConfigKey) Target(HttpContext context) =>
        ((string)context.Request.RouteValues["connectionId"]!, context.Request.Query["provider_config_key"].FirstOrDefault()); // the route has {connectionId}

    private static JsonObject ReadCredentials(JsonElement root)
    {
        if (!root.TryGetProperty("credentials", out var element))
        {
            return new JsonObject { ["type"] = "NONE" };
        }

        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !CredentialTypes.Contains(type.GetString()))
        {
            throw Invalid($"credentials.type: expected one of {string.Join(", ", CredentialTypes)}", ["credentials", "type"]);
        }

        var credentials = JsonNode.Parse(element.GetRawText())!.AsObject();
        string[] required = type.GetString() switch
        {
            "API_KEY" => ["apiKey"],
            "BASIC" => ["username"],
            "OAUTH2" => ["access_token"],
            _ => [],
        };
        foreach (var field in required)
        {
            if (credentials[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                throw Invalid($"credentials.{field}: Invalid input: expected string, received undefined", ["credentials", field]);
            }
        }

        return credentials;
    }

    private static string RequiredString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Invalid($"{name}: Invalid input: expected string, received undefined", [name]);
        }

        return text;
    }

    private static ApiErrorException Invalid(string message, string[] path) =>
        new(ApiErrors.InvalidBody(path.Length == 0 ? message : message));
}
