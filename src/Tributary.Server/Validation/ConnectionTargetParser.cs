using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>
/// Validates <c>GET</c> and <c>DELETE /connections/{connectionId}</c>. <c>provider_config_key</c> is required on
/// both: without it a connection id names no connection (the same id may exist under several integrations).
/// </summary>
/// <remarks>Nango's orders: GET checks the query, then the route; DELETE the route, then the query.</remarks>
internal static class ConnectionTargetParser
{
    private const string ProviderConfigKeyKey = "provider_config_key";

    // refresh_github_app_jwt_token: @nangohq/node's getConnection always sends it (false by default). It is checked as
    // Nango checks it, and changes nothing: no auth mode here has a GitHub App JWT to refresh.
    private const string GitHubAppJwtKey = "refresh_github_app_jwt_token";

    private static readonly string[] GetKeys = [ProviderConfigKeyKey, "refresh_token", "force_refresh", GitHubAppJwtKey];

    private static readonly string[] DeleteKeys = [ProviderConfigKeyKey];

    public static ParseResult<ConnectionTarget> ParseGet(string connectionId, IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var providerConfigKey = QueryFields.ReadString(input, ProviderConfigKeyKey, required: true, StringRule.ProviderConfigKey, issues);
        var refreshToken = QueryFields.ReadStringBool(input, "refresh_token", issues);
        var forceRefresh = QueryFields.ReadStringBool(input, "force_refresh", issues);
        var gitHubAppJwt = QueryFields.ReadStringBool(input, GitHubAppJwtKey, issues);
        QueryFields.RejectUnknownKeys(input, GetKeys, issues);
        if (!issues.IsEmpty || providerConfigKey is null)
        {
            return ParseResult<ConnectionTarget>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        if (RouteError(connectionId) is { } routeError)
        {
            return ParseResult<ConnectionTarget>.Invalid(routeError);
        }

        return ParseResult<ConnectionTarget>.Valid(new ConnectionTarget(connectionId, providerConfigKey, refreshToken == true, forceRefresh == true, gitHubAppJwt == true));
    }

    public static ParseResult<ConnectionTarget> ParseDelete(string connectionId, IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        if (RouteError(connectionId) is { } routeError)
        {
            return ParseResult<ConnectionTarget>.Invalid(routeError);
        }

        var input = QueryInput.From(query);
        var issues = new IssueList();
        var providerConfigKey = QueryFields.ReadString(input, ProviderConfigKeyKey, required: true, StringRule.ProviderConfigKey, issues);
        QueryFields.RejectUnknownKeys(input, DeleteKeys, issues);
        if (!issues.IsEmpty || providerConfigKey is null)
        {
            return ParseResult<ConnectionTarget>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        return ParseResult<ConnectionTarget>.Valid(new ConnectionTarget(connectionId, providerConfigKey, ReturnRefreshToken: false, ForceRefresh: false));
    }

    internal static ApiError? RouteError(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        var issues = new IssueList();
        if (TextGuard.Check(connectionId, ["connectionId"], issues))
        {
            StringRule.ConnectionId.Check(connectionId, ["connectionId"], issues);
        }

        return issues.IsEmpty ? null : ApiErrors.InvalidUriParams(issues.Items);
    }
}
