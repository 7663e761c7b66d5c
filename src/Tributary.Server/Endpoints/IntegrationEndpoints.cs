using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Contracts;
using Tributary.Core.Domain;
using Tributary.Core.Services;
using Tributary.Server.Endpoints.Responses;
using Tributary.Server.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Endpoints;

/// <summary>Integrations in Nango's shapes, and environment variables.</summary>
/// <remarks>
/// Integrations with syncs come from tributary.yaml; the API can also create, relabel, rename and delete them, as
/// Nango's can. There is no provider catalogue and no OAuth flow here, so any provider name is accepted and OAuth
/// app credentials are refused: connections are imported with their credentials through <c>POST /connections</c>.
/// </remarks>
internal static class IntegrationEndpoints
{
    private static readonly string[] CreateKeys = ["provider", "unique_key", "display_name", "credentials", "forward_webhooks"];

    private static readonly string[] UpdateKeys = ["unique_key", "display_name", "credentials", "forward_webhooks"];

    private static readonly EnvironmentVariableResponse[] NoEnvironmentVariables = [];

    private static readonly StringRule DisplayName = new(MinLength: 1, MaxLength: 255);

    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/integrations", ApiRequest.Handle("environment:integrations:read", ListAsync));
        app.MapGet("/integrations/{key}", ApiRequest.Handle("environment:integrations:read", GetAsync));
        app.MapPost("/integrations", ApiRequest.Handle("environment:integrations:create", CreateAsync));
        app.MapPatch("/integrations/{key}", ApiRequest.Handle("environment:integrations:update", UpdateAsync));
        app.MapDelete("/integrations/{key}", ApiRequest.Handle("environment:integrations:delete", DeleteAsync));
        app.MapGet("/environment-variables", ApiRequest.Handle("environment:environment_variables:read", (c, _) =>
            JsonResponses.WriteAsync(c, StatusCodes.Status200OK, NoEnvironmentVariables, JsonResponses.Json.IReadOnlyListEnvironmentVariableResponse)));
        return app;
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        var integrations = await context.RequestServices.GetRequiredService<IntegrationService>().ListAsync(tenant, context.RequestAborted);
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, new IntegrationListResponse(integrations.Select(IntegrationResponses.From).ToList()), JsonResponses.Json.IntegrationListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var integration = await context.RequestServices.GetRequiredService<IntegrationService>().GetAsync(tenant, Key(context), context.RequestAborted);
        await WriteDataAsync(context, integration);
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant)
    {
        var obj = await ReadBodyAsync(context, create: true);
        if (obj is null)
        {
            return;
        }

        var created = await context.RequestServices.GetRequiredService<IntegrationService>().CreateAsync(
            tenant,
            obj.UniqueKey!, // required when creating (ReadBodyAsync)
            obj.Provider!, // required when creating (ReadBodyAsync)
            obj.DisplayName,
            context.RequestAborted);
        if (created is null)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidBody([new ValidationIssue("invalid_string", "Unique key already exists", ["uniqueKey"])]));
            return;
        }

        await WriteDataAsync(context, created);
    }

    private static async Task UpdateAsync(HttpContext context, Tenant tenant)
    {
        var obj = await ReadBodyAsync(context, create: false);
        if (obj is null)
        {
            return;
        }

        var updated = await context.RequestServices.GetRequiredService<IntegrationService>()
            .UpdateAsync(tenant, Key(context), obj.UniqueKey, obj.DisplayName, context.RequestAborted);
        await WriteDataAsync(context, updated);
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        await context.RequestServices.GetRequiredService<IntegrationService>().DeleteAsync(tenant, Key(context), context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    /// <summary>
    /// Nango's order for integration writes: an empty query string, then the strict body. Returns null when an
    /// error was answered.
    /// </summary>
    private static async Task<IntegrationBody?> ReadBodyAsync(HttpContext context, bool create)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return null;
        }

        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return null;
        }

        var issues = new IssueList();
        var obj = JsonObjectInput.Read(body, IssuePath.Root, issues);
        if (obj is null)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidBody(issues.Items));
            return null;
        }

        // Nango's field order; a rename (PATCH) takes no provider, so there it is an unknown key.
        var provider = create ? JsonFields.ReadString(obj, "provider", required: true, StringRule.ProviderConfigKey, IssuePath.Root, issues) : null;
        var uniqueKey = JsonFields.ReadString(obj, "unique_key", required: create, StringRule.ProviderConfigKey, IssuePath.Root, issues);
        var displayName = JsonFields.ReadString(obj, "display_name", required: false, DisplayName, IssuePath.Root, issues);
        JsonFields.ReadOptionalBoolean(obj, "forward_webhooks", IssuePath.Root, issues);
        JsonFields.RejectUnknownKeys(obj, create ? CreateKeys : UpdateKeys, IssuePath.Root, issues);
        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidBody(issues.Items));
            return null;
        }

        if (obj.TryGet("credentials", out _))
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidBody(
                "Tributary runs no OAuth flows, so integrations take no credentials: import connections with theirs through POST /connections"));
            return null;
        }

        return new IntegrationBody(provider, uniqueKey, displayName);
    }

    private static string Key(HttpContext context) => (string?)context.Request.RouteValues["key"] ?? string.Empty;

    private static Task WriteDataAsync(HttpContext context, Integration integration) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, IntegrationResponses.Data(integration), JsonResponses.Json.IntegrationDataResponse);
}

/// <summary>The fields of an integration write that passed validation (each may be absent).</summary>
internal sealed record IntegrationBody(string? Provider, string? UniqueKey, string? DisplayName);
