using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;

namespace Tributary.Server.Endpoints;

/// <summary>Integrations in Nango's shapes, and environment variables.</summary>
/// <remarks>
/// Integrations with syncs come from tributary.yaml; the API can also create, relabel, rename and delete them, as
/// Nango's can, and set their OAuth app (<c>credentials: {type: "OAUTH2", client_id, client_secret, scopes}</c>).
/// Any provider name is accepted: one outside the catalogue simply has no template (no refresh, no base URL).
/// </remarks>
internal static class IntegrationEndpoints
{
    private static readonly string[] CreateKeys = ["provider", "unique_key", "display_name", "credentials", "forward_webhooks"];

    private static readonly string[] UpdateKeys = ["unique_key", "display_name", "credentials", "forward_webhooks"];

    private static readonly EnvironmentVariableResponse[] NoEnvironmentVariables = [];

    private static readonly string[] CredentialKeys = ["type", "client_id", "client_secret", "scopes", "webhook_secret"];

    private static readonly string[] IncludeValues = ["credentials", "webhook"];

    private static readonly StringRule DisplayName = new(MinLength: 1, MaxLength: 255);

    private static readonly StringRule ClientId = new(MinLength: 1, MaxLength: 255);

    private static readonly StringRule ClientSecret = new(MinLength: 1);

    private static readonly StringRule WebhookSecret = new(MaxLength: 255);

    /// <summary>Nango's scopes: a comma list of scope characters, or empty.</summary>
    private static readonly ZodPattern ScopesPattern = new(@"/^[0-9a-zA-Z:/_.-]+(,[0-9a-zA-Z:/_.-]+)*$/", IsScopeList);

    /// <summary>Nango's message for credentials that are not one of its kinds.</summary>
    private const string InvalidCredentials = "invalid credentials object";

    /// <summary>Nango's legacy integrations scope, which grants what its create, update and delete scopes grant.</summary>
    private const string LegacyWrite = "environment:integrations:write";

    /// <summary>Nango's scope of <c>/environment-variables</c>, and the legacy one its keys may still hold (and <c>environment:config:*</c>).</summary>
    private const string NangoVariablesRead = "environment:variables:read";

    private const string NangoLegacyConfigRead = "environment:config:read";

    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapSessionOrApi("GET", "/integrations", "environment:integrations:read", ListAsync, "environment:integrations:list", "environment:integrations:list_credentials")
            .WithName("listIntegrations").WithTags("Integrations").WithSummary("List integrations")
            .WithDescription("Also with a connect session's token, as Nango's Connect UI calls it: then only the session's allowed_integrations (all when it names none).")
            .Produces<IntegrationListResponse>().ProducesErrors(400);
        app.MapApi("GET", "/integrations/{key}", "environment:integrations:read", GetAsync, "environment:integrations:read_credentials")
            .WithName("getIntegration").WithTags("Integrations").WithSummary("Get an integration")
            .WithDescription("include=credentials adds the OAuth app (client_id, client_secret, scopes) as Nango does; include=webhook is accepted and adds nothing.")
            .Produces<IntegrationDataResponse>().ProducesErrors(400, 404);
        app.MapApi("POST", "/integrations", "environment:integrations:create", CreateAsync, LegacyWrite)
            .WithName("createIntegration").WithTags("Integrations").WithSummary("Create an integration")
            .WithDescription("Any provider name is accepted (one outside the catalogue has no template). credentials sets the OAuth app; "
                + "the secret is stored encrypted. Syncs come from tributary.yaml entries with the same key.")
            .AcceptsJson<IntegrationRequest>().Produces<IntegrationDataResponse>().ProducesErrors(400);
        app.MapApi("PATCH", "/integrations/{key}", "environment:integrations:update", UpdateAsync, LegacyWrite)
            .WithName("updateIntegration").WithTags("Integrations").WithSummary("Rename or relabel an integration")
            .WithDescription("Takes unique_key, display_name and credentials (no provider). A rename is refused while the integration has connections, or when the key is taken.")
            .AcceptsJson<IntegrationRequest>().Produces<IntegrationDataResponse>().ProducesErrors(400, 404);
        app.MapApi("DELETE", "/integrations/{key}", "environment:integrations:delete", DeleteAsync, LegacyWrite)
            .WithName("deleteIntegration").WithTags("Integrations").WithSummary("Delete an integration")
            .WithDescription("Deletes it with its sync configs, connections, syncs, runs (running ones cancelled), checkpoints and records.")
            .Produces<SuccessResponse>().ProducesErrors(400, 404);
        app.MapApi("GET", "/environment-variables", "environment:environment_variables:read", (c, _) => EnvironmentVariablesAsync(c), NangoVariablesRead, NangoLegacyConfigRead)
            .WithName("listEnvironmentVariables").WithTags("Integrations").WithSummary("Environment variables")
            .WithDescription("Always an empty list: Tributary keeps no environment variables. The Node client sends Content-Type: "
                + "application/json with no body, which is accepted.")
            .Produces<IReadOnlyList<EnvironmentVariableResponse>>().ProducesErrors(400, 415);
        return app;
    }

    /// <summary>
    /// Nango checks the content type here as on <c>/sync</c> and <c>/records</c> (415 only for one that is present and not
    /// JSON), then that the query is empty.
    /// </summary>
    private static Task EnvironmentVariablesAsync(HttpContext context) =>
        RequestChecks.CheckContentType(context.Request.ContentType) is { } contentTypeError
            ? JsonResponses.ErrorAsync(context, contentTypeError)
            : RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError
                ? JsonResponses.ErrorAsync(context, queryError)
                : JsonResponses.WriteAsync(context, StatusCodes.Status200OK, NoEnvironmentVariables, JsonResponses.Json.IReadOnlyListEnvironmentVariableResponse);

    private static async Task ListAsync(HttpContext context, Tenant tenant, Tributary.Core.Connect.ConnectSession? session)
    {
        // Nango's list takes no query.
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        var integrations = await context.RequestServices.GetRequiredService<IntegrationService>().ListAsync(tenant, context.RequestAborted);
        var visible = session is null ? integrations : integrations.Where(integration => session.Allows(integration.UniqueKey));
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, new IntegrationListResponse(visible.Select(i => IntegrationResponses.From(i, Providers(context))).ToList()), JsonResponses.Json.IntegrationListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var input = QueryInput.From(context.Request.Query);
        var issues = new IssueList();
        QueryFields.RejectUnknownKeys(input, ["include"], issues);
        var includes = context.Request.Query["include"].SelectMany(v => (v ?? string.Empty).Split(',')).ToList();
        if (includes.Any(v => !IncludeValues.Contains(v, StringComparer.Ordinal)))
        {
            issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(IncludeValues), ["include"]);
        }

        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidQueryParams(issues.Items));
            return;
        }

        var service = context.RequestServices.GetRequiredService<IntegrationService>();
        var withWebhook = includes.Contains("webhook", StringComparer.Ordinal);
        if (!includes.Contains("credentials", StringComparer.Ordinal))
        {
            var found = IntegrationResponses.From(await service.GetAsync(tenant, Key(context), context.RequestAborted), Providers(context));
            await WriteAsync(context, withWebhook ? found with { WebhookUrl = JsonNull } : found);
            return;
        }

        // Nango's include=credentials: the OAuth app, or null for an integration without one (a key never absent).
        var (integration, client) = await service.GetWithCredentialsAsync(tenant, Key(context), context.RequestAborted);
        var credentials = client is null
            ? JsonNull
            : JsonDocument.Parse(new JsonObject
            {
                ["type"] = "OAUTH2",
                ["client_id"] = client.ClientId,
                ["client_secret"] = client.ClientSecret,
                ["scopes"] = client.Scopes.Count == 0 ? null : string.Join(',', client.Scopes),
            }.ToJsonString()).RootElement.Clone();
        var response = IntegrationResponses.From(integration, Providers(context)) with { Credentials = credentials };
        await WriteAsync(context, withWebhook ? response with { WebhookUrl = JsonNull } : response);
    }

    /// <summary>JSON null as a value the response writes (a default <see cref="JsonElement"/> is left out).</summary>
    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement.Clone();

    private static Task WriteAsync(HttpContext context, IntegrationResponse integration) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new IntegrationDataResponse(integration), JsonResponses.Json.IntegrationDataResponse);

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
            obj.Client,
            obj.ForwardWebhooks ?? true,
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

        // Nango's order: query, body, then the route's key.
        if (await RouteKeyAsync(context) is not { } key)
        {
            return;
        }

        var updated = await context.RequestServices.GetRequiredService<IntegrationService>()
            .UpdateAsync(tenant, key, obj.UniqueKey, obj.DisplayName, obj.Client, obj.ForwardWebhooks, context.RequestAborted);
        await WriteDataAsync(context, updated);
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        if (await RouteKeyAsync(context) is not { } key)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<IntegrationService>().DeleteAsync(tenant, key, context.RequestAborted);
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

        // Nango's field order (its create schema extends the base fields, forward_webhooks among them, with credentials;
        // its update schema lists credentials before forward_webhooks); a rename (PATCH) takes no provider, so there it
        // is an unknown key.
        var provider = create ? JsonFields.ReadString(obj, "provider", required: true, StringRule.Name, IssuePath.Root, issues) : null;
        var uniqueKey = JsonFields.ReadString(obj, "unique_key", required: create, StringRule.ProviderConfigKey, IssuePath.Root, issues);
        var displayName = JsonFields.ReadString(obj, "display_name", required: false, DisplayName, IssuePath.Root, issues);
        var forwardWebhooks = create ? JsonFields.ReadOptionalBoolean(obj, "forward_webhooks", IssuePath.Root, issues) : null;
        var client = ReadCredentials(obj, issues);
        if (!create)
        {
            forwardWebhooks = JsonFields.ReadOptionalBoolean(obj, "forward_webhooks", IssuePath.Root, issues);
        }

        JsonFields.RejectUnknownKeys(obj, create ? CreateKeys : UpdateKeys, IssuePath.Root, issues);
        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidBody(issues.Items));
            return null;
        }

        return new IntegrationBody(provider, uniqueKey, displayName, client, forwardWebhooks);
    }

    /// <summary>
    /// Nango's integration <c>credentials</c> for an OAuth app: <c>{type: "OAUTH2", client_id, client_secret, scopes?,
    /// webhook_secret?}</c>, scopes a comma-separated string as Nango stores them (or empty); a value that is not an object
    /// or another <c>type</c> is Nango's "invalid credentials object". <c>webhook_secret</c> is checked and not kept: no
    /// provider webhooks are received here to verify. Issues never echo a secret.
    /// </summary>
    private static OAuthClientCredentials? ReadCredentials(JsonObjectInput obj, IssueList issues)
    {
        IReadOnlyList<string> path = ["credentials"];
        if (!obj.TryGet("credentials", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            issues.Add(ZodCodes.InvalidType, InvalidCredentials, path);
            return null;
        }

        var credentials = JsonObjectInput.Read(element, path, issues)!;
        if (!credentials.TryGet("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "OAUTH2")
        {
            issues.Add(ZodCodes.InvalidUnion, InvalidCredentials, ["credentials", "type"]);
            return null;
        }

        var before = issues.Count;
        var clientId = JsonFields.ReadString(credentials, "client_id", required: true, ClientId, path, issues);
        var clientSecret = JsonFields.ReadString(credentials, "client_secret", required: true, ClientSecret, path, issues);
        var scopes = JsonFields.ReadString(credentials, "scopes", required: false, StringRule.Any, path, issues);
        if (scopes is { Length: > 0 } && !ScopesPattern.IsMatch(scopes))
        {
            // zod's union of the pattern and an empty string: neither matched.
            issues.Add(ZodCodes.InvalidUnion, ZodMessages.InvalidInput, ["credentials", "scopes"]);
        }

        JsonFields.ReadString(credentials, "webhook_secret", required: false, WebhookSecret, path, issues);
        JsonFields.RejectUnknownKeys(credentials, CredentialKeys, path, issues);
        return issues.Count == before && clientId is not null && clientSecret is not null
            ? new OAuthClientCredentials(clientId, clientSecret, (scopes ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            : null;
    }

    private static string Key(HttpContext context) => (string?)context.Request.RouteValues["key"] ?? string.Empty;

    private static Task WriteDataAsync(HttpContext context, Integration integration) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, IntegrationResponses.Data(integration, Providers(context)), JsonResponses.Json.IntegrationDataResponse);

    private static Core.Providers.ProviderCatalogue Providers(HttpContext context) => context.RequestServices.GetRequiredService<Core.Providers.ProviderCatalogue>();

    /// <summary>
    /// The route's integration key, as Nango's <c>validationParams</c> check it (its key pattern): null and
    /// <c>invalid_uri_params</c> answered when it is not one.
    /// </summary>
    private static async Task<string?> RouteKeyAsync(HttpContext context)
    {
        var key = Key(context);
        var issues = new IssueList();
        StringRule.ProviderConfigKey.Check(key, ["uniqueKey"], issues);
        if (issues.IsEmpty)
        {
            return key;
        }

        await JsonResponses.ErrorAsync(context, ApiErrors.InvalidUriParams(issues.Items));
        return null;
    }

    private static bool IsScopeList(string value) =>
        value.Length > 0 && value.Split(',').All(scope => scope.Length > 0 && scope.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '/' or '_' or '.' or '-'));
}

/// <summary>The fields of an integration write that passed validation (each may be absent).</summary>
internal sealed record IntegrationBody(string? Provider, string? UniqueKey, string? DisplayName, OAuthClientCredentials? Client, bool? ForwardWebhooks);
