using Tributary.Core.Connect;
using Tributary.Core.Security;
using Tributary.Server.Connect;
using Tributary.Server.Dashboard;

namespace Tributary.Server.Http;

/// <summary>
/// Wraps an endpoint handler with authentication and its scope: the handler only runs for a caller whose key
/// grants <paramref name="scope"/>, and receives the tenant (environment) every query is scoped by.
/// </summary>
internal static class ApiRequest
{
    /// <param name="scope">The scope the key must grant; null: any key of the environment (Nango's routes without a scope).</param>
    /// <param name="alsoGrantedBy">Scopes that grant the operation besides <paramref name="scope"/> (Nango's finer names).</param>
    public static RequestDelegate Handle(string? scope, IReadOnlyList<string> alsoGrantedBy, Func<HttpContext, Tenant, Task> handler) => async context =>
    {
        // A dashboard request was authenticated from its session cookie (and CSRF-checked) by DashboardMiddleware,
        // the only code that sets this feature; every other request must bring a Bearer key.
        var key = context.Features.Get<DashboardCaller>()?.Key;
        if (key is null)
        {
            var authentication = context.RequestServices.GetRequiredService<ApiKeyAuthentication>();
            (key, var error) = await authentication.AuthenticateAsync(context);
            if (key is null)
            {
                await JsonResponses.ErrorAsync(context, error!); // not null when key is null
                return;
            }
        }

        if (scope is not null && ApiKeyAuthentication.RequireScope(key, scope) is { } forbidden && !alsoGrantedBy.Any(alternative => ApiKeys.Grants(key.Scopes, alternative)))
        {
            await JsonResponses.ErrorAsync(context, forbidden);
            return;
        }

        context.Features.Set(new ApiCaller(key));
        await handler(context, ApiKeyAuthentication.TenantOf(key));
    };

    /// <summary>
    /// <see cref="Handle"/> for the routes Nango also opens to a connect session (<c>connectSessionOrEnvAuth</c>:
    /// <c>GET /providers</c>, <c>GET /integrations</c>), which its Connect UI calls with the session's token: a Bearer
    /// token with the session prefix is that session (the handler gets it; a session grants these routes whatever the
    /// scope), any other is an API key, checked as <see cref="Handle"/> checks it.
    /// </summary>
    public static RequestDelegate HandleSessionOrKey(string? scope, IReadOnlyList<string> alsoGrantedBy, Func<HttpContext, Tenant, ConnectSession?, Task> handler)
    {
        var byKey = Handle(scope, alsoGrantedBy, (context, tenant) => handler(context, tenant, null));
        return async context =>
        {
            // The token the session check would read: a session's goes there, whatever its shape, and any other to the key check.
            var token = ConnectSessionAuth.HeaderToken(context.Request.Headers.Authorization.ToString());
            if (context.Features.Get<DashboardCaller>() is null && token.StartsWith(ConnectSessionService.TokenPrefix, StringComparison.Ordinal))
            {
                if (await ConnectSessionAuth.AuthenticateHeaderAsync(context) is { } session)
                {
                    await handler(context, session.Tenant, session);
                }

                return;
            }

            await byKey(context);
        };
    }
}
