using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Server.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Endpoints;

/// <summary>Nango's connection import, read, delete and metadata endpoints.</summary>
internal static class ConnectionEndpoints
{
    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connections", ApiRequest.Handle("environment:connections:write", CreateAsync));
        app.MapGet("/connections", ApiRequest.Handle("environment:connections:read", ListAsync));
        app.MapGet("/connections/{connectionId}", ApiRequest.Handle("environment:connections:read", GetAsync));
        app.MapDelete("/connections/{connectionId}", ApiRequest.Handle("environment:connections:write", DeleteAsync));
        app.MapPost("/connections/metadata", ApiRequest.Handle("environment:connections:write", (c, t) => MetadataAsync(c, t, merge: false)));
        app.MapPatch("/connections/metadata", ApiRequest.Handle("environment:connections:write", (c, t) => MetadataAsync(c, t, merge: true)));
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

        var parsed = ConnectionCreateRequestParser.Parse(context.Request.Query, body);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var request = parsed.Value;
        var created = await context.RequestServices.GetRequiredService<ConnectionService>()
            .CreateAsync(tenant, request.ProviderConfigKey, request.ConnectionId, request.Credentials, request.MetadataJson, context.RequestAborted);
        await JsonResponses.WriteAsync(context, 201, w => WriteConnection(w, created, PublicCredentials(request.Credentials, returnRefreshToken: true)));
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
            new ConnectionListFilter(query.ConnectionId, query.IntegrationIds, after, query.Limit ?? ConnectionListQuery.DefaultLimit),
            context.RequestAborted);
        var connections = page.Connections;
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("connections");
            foreach (var connection in connections)
            {
                w.WriteStartObject();
                w.WriteNumber("id", connection.Id);
                w.WriteString("connection_id", connection.ConnectionId);
                w.WriteString("provider", connection.Provider);
                w.WriteString("provider_config_key", connection.ProviderConfigKey);
                w.WriteString("created", Micros.ToIsoString(connection.CreatedAt));
                w.WritePropertyName("metadata");
                w.WriteRawValue(connection.MetadataJson);
                w.WriteStartObject("tags");
                w.WriteEndObject();
                w.WriteStartArray("errors");
                w.WriteEndArray();
                w.WriteNull("end_user");
                w.WriteEndObject();
            }

            w.WriteEndArray();

            // Our addition to Nango's body: the keyset cursor of the next page (null on the last one).
            if (page.HasMore)
            {
                w.WriteString("next_cursor", RecordCursor.Encode(connections[^1].Id));
            }
            else
            {
                w.WriteNull("next_cursor");
            }

            w.WriteEndObject();
        });
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var parsed = ConnectionTargetParser.ParseGet(RouteConnectionId(context), context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var target = parsed.Value;
        var (connection, credentials) = await context.RequestServices.GetRequiredService<ConnectionService>()
            .GetAsync(tenant, target.ConnectionId, target.ProviderConfigKey, context.RequestAborted);
        await JsonResponses.WriteAsync(context, 200, w => WriteConnection(w, connection, PublicCredentials(credentials, target.ReturnRefreshToken)));
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

    private static async Task MetadataAsync(HttpContext context, Tenant tenant, bool merge)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        var parsed = ConnectionMetadataRequestParser.Parse(context.Request.Query, body);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var (ids, providerConfigKey, patch) = parsed.Value;
        await context.RequestServices.GetRequiredService<ConnectionService>()
            .SetMetadataAsync(tenant, providerConfigKey, ids, patch, merge, context.RequestAborted);

        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("connection_id", ids.Count == 1 ? ids[0] : string.Join(",", ids));
            w.WriteString("provider_config_key", providerConfigKey);
            w.WritePropertyName("metadata");
            patch.WriteTo(w);
            w.WriteEndObject();
        });
    }

    private static string RouteConnectionId(HttpContext context) => (string?)context.Request.RouteValues["connectionId"] ?? string.Empty;

    /// <summary>
    /// The credentials as Nango answers them: without <c>type</c> for a NONE connection (<c>{}</c>), and an OAuth2
    /// refresh token only when asked for (<c>refresh_token=true</c>).
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
            copy.Remove("refresh_token");
        }

        return copy;
    }

    private static void WriteConnection(Utf8JsonWriter w, Connection connection, JsonObject credentials)
    {
        w.WriteStartObject();
        w.WriteNumber("id", connection.Id);
        w.WriteString("connection_id", connection.ConnectionId);
        w.WriteString("provider_config_key", connection.ProviderConfigKey);
        w.WriteString("provider", connection.Provider);
        w.WriteStartArray("errors");
        w.WriteEndArray();
        w.WriteNull("end_user");
        w.WritePropertyName("metadata");
        w.WriteRawValue(connection.MetadataJson);
        w.WriteStartObject("tags");
        w.WriteEndObject();
        w.WriteStartObject("connection_config");
        w.WriteEndObject();
        w.WriteString("created_at", Micros.ToIsoString(connection.CreatedAt));
        w.WriteString("updated_at", Micros.ToIsoString(connection.UpdatedAt));
        w.WriteNull("last_fetched_at");
        w.WritePropertyName("credentials");
        credentials.WriteTo(w);
        w.WriteEndObject();
    }
}
