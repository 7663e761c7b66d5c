using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Core.Services;

namespace Tributary.Server.Endpoints;

/// <summary>
/// <c>GET /scripts/config</c>: the deployed syncs of the environment, by integration, in Nango's shape
/// (<c>getScriptsConfig</c> of <c>@nangohq/node</c>), or as OpenAI function definitions with <c>format=openai</c>.
/// </summary>
/// <remarks>
/// Nango groups its rows by provider, so two integrations of one provider come back as one entry under the first's key
/// with both integrations' syncs; Tributary keeps Nango's shape and gives each integration its own entry
/// (docs/api.md). What tributary.yaml does not say is answered empty (no description, endpoints, model schemas or
/// version), never invented.
/// </remarks>
internal static class ScriptsConfigEndpoints
{
    private static readonly string[] Formats = ["nango", "openai"];

    private static readonly ScriptConfigResponse[] NoActions = [];

    private static readonly string[] None = [];

    private static readonly Dictionary<string, string> Empty = [];

    private static readonly ScriptEndpointResponse[] NoEndpoints = [];

    private static readonly JsonElement[] NoModels = [];

    private static readonly OpenAIFunctionParameters NoParameters = new("object", Empty, None);

    public static IEndpointRouteBuilder MapScriptsConfigEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("GET", "/scripts/config", "environment:integrations:read", GetAsync, "environment:integrations:list_functions")
            .WithName("getScriptsConfig").WithTags("Integrations").WithSummary("Deployed syncs")
            .WithDescription("The syncs deployed from tributary.yaml, one entry per integration that has any (Nango's StandardNangoConfig: "
                + "actions and on-events always empty), syncs by name. format=openai answers {data: [...]} with one OpenAI function "
                + "definition per sync instead. Other query keys are ignored, as Nango's; the Node client's Content-Type: application/json "
                + "without a body is accepted.")
            .AcceptsQuery<ScriptsConfigQuery>().Produces<IReadOnlyList<ScriptsConfigIntegration>>().ProducesErrors(400, 415);
        return app;
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        // Nango's /scripts routes check a present content type (415 unless JSON).
        if (RequestChecks.CheckContentType(context.Request.ContentType) is { } contentTypeError)
        {
            await JsonResponses.ErrorAsync(context, contentTypeError);
            return;
        }

        // Nango reads only format and lets any other key through; a format outside its enum would silently answer the
        // other shape there, so it is refused here.
        var issues = new IssueList();
        var format = QueryFields.ReadOneOf(QueryInput.From(context.Request.Query), "format", Formats, issues) ?? "nango";
        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidQueryParams(issues.Items));
            return;
        }

        var deployed = await context.RequestServices.GetRequiredService<IntegrationService>().ListDeployedSyncsAsync(tenant, context.RequestAborted);
        if (format == "openai")
        {
            var functions = deployed
                .SelectMany(d => d.Syncs.Select(s => new OpenAIFunctionResponse(s.Name, $"Execute the {s.Name} sync for {d.Integration.Provider}", NoParameters)))
                .ToList();
            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new OpenAIFunctionListResponse(functions), JsonResponses.Json.OpenAIFunctionListResponse);
            return;
        }

        var configs = deployed
            .Select(d => new ScriptsConfigIntegration(NoActions, d.Integration.UniqueKey, d.Integration.Provider, d.Syncs.Select(Sync).ToList(), None))
            .ToList();
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, configs, JsonResponses.Json.IReadOnlyListScriptsConfigIntegration);
    }

    private static ScriptConfigResponse Sync(SyncConfig config) => new(
        config.Id,
        config.Name,
        "sync",
        config.Models,
        Description: "",
        Empty,
        None,
        Version: null,
        IsPublic: false,
        PreBuilt: false,
        NoEndpoints,
        Enabled: true,
        NoModels,
        Micros.ToIsoString(config.UpdatedAt),
        None,
        JsonSchema: null,
        config.SyncType,
        config.AutoStart,
        config.Frequency,
        config.TrackDeletes);
}
