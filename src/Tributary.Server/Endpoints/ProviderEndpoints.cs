using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Core.Providers;

namespace Tributary.Server.Endpoints;

/// <summary>
/// <c>GET /providers</c> and <c>GET /providers/{provider}</c>: the provider templates this process knows (the built-in
/// catalogue with tributary.yaml's, docs/providers.md), each as written with its <c>name</c>, as Nango answers its own
/// catalogue (<c>listProviders</c> and <c>getProvider</c> of <c>@nangohq/node</c>).
/// </summary>
/// <remarks>
/// As Nango's, any API key of the environment may read them (no scope) and so may a connect session's token (its
/// Connect UI lists the providers it offers); Nango's answers add a <c>logo_url</c> to its own hosted images, which
/// Tributary does not serve, so there is none.
/// </remarks>
internal static class ProviderEndpoints
{
    private static readonly TimeSpan SearchTimeout = TimeSpan.FromMilliseconds(100);

    public static IEndpointRouteBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        // No scope, as Nango's: any key reads the catalogue, which holds no environment's data.
        app.MapSessionOrApi("GET", "/providers", null, ListAsync)
            .WithName("listProviders").WithTags("Integrations").WithSummary("List providers")
            .WithDescription("Every provider template this server knows, as written, with its name. search keeps the names it matches "
                + "(case-insensitive; as Nango's, a pattern in which . is any character). Any API key may call it, and a connect session's token.")
            .AcceptsQuery<ProviderListQuery>().Produces<ProviderListResponse>().ProducesErrors(400);
        app.MapSessionOrApi("GET", "/providers/{provider}", null, GetAsync)
            .WithName("getProvider").WithTags("Integrations").WithSummary("Get a provider")
            .WithDescription("One provider template, as written, with its name; 404 not_found \"Unknown provider <name>\".")
            .Produces<ProviderDataResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant, Core.Connect.ConnectSession? session)
    {
        var input = QueryInput.From(context.Request.Query);
        var issues = new IssueList();
        var search = QueryFields.ReadString(input, "search", required: false, StringRule.ProviderConfigKey, issues);
        QueryFields.RejectUnknownKeys(input, ["search"], issues);
        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidQueryParams(issues.Items));
            return;
        }

        // The key pattern leaves '.' as the only pattern character; it is matched as Nango's RegExp matches it.
        var matcher = string.IsNullOrEmpty(search) ? null : new Regex(search, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, SearchTimeout);
        var catalogue = context.RequestServices.GetRequiredService<ProviderCatalogue>();
        var providers = catalogue.All.Values
            .Where(provider => matcher is null || matcher.IsMatch(provider.Name))
            .Select(Answer)
            .ToList();
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new ProviderListResponse(providers), JsonResponses.Json.ProviderListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant, Core.Connect.ConnectSession? session)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(context.Request.Query)) is { } queryError)
        {
            await JsonResponses.ErrorAsync(context, queryError);
            return;
        }

        var name = (string?)context.Request.RouteValues["provider"] ?? string.Empty;
        var issues = new IssueList();
        StringRule.Name.Check(name, ["provider"], issues);
        if (!issues.IsEmpty)
        {
            await JsonResponses.ErrorAsync(context, ApiErrors.InvalidUriParams(issues.Items));
            return;
        }

        if (context.RequestServices.GetRequiredService<ProviderCatalogue>().Find(name) is not { } provider)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(StatusCodes.Status404NotFound, "not_found", $"Unknown provider {name}"));
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new ProviderDataResponse(Answer(provider)), JsonResponses.Json.ProviderDataResponse);
    }

    /// <summary>Nango's <c>{...template, name}</c>: the fields in the template's order, <c>name</c> last unless the template has one.</summary>
    private static JsonObject Answer(ProviderDefinition provider)
    {
        var answer = (JsonObject)provider.Template.DeepClone();
        answer["name"] = provider.Name;
        return answer;
    }
}
