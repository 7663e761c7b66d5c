using Tributary.Core.Security;
using Tributary.Server.Dashboard;

namespace Tributary.Server.Http;

/// <summary>
/// Wraps an endpoint handler with authentication and its scope: the handler only runs for a caller whose key
/// grants <paramref name="scope"/>, and receives the tenant (environment) every query is scoped by.
/// </summary>
internal static class ApiRequest
{
    /// <param name="alsoGrantedBy">Scopes that grant the operation besides <paramref name="scope"/> (Nango's finer names).</param>
    public static RequestDelegate Handle(string scope, IReadOnlyList<string> alsoGrantedBy, Func<HttpContext, Tenant, Task> handler) => async context =>
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

        if (ApiKeyAuthentication.RequireScope(key, scope) is { } forbidden && !alsoGrantedBy.Any(alternative => ApiKeys.Grants(key.Scopes, alternative)))
        {
            await JsonResponses.ErrorAsync(context, forbidden);
            return;
        }

        context.Features.Set(new ApiCaller(key));
        await handler(context, ApiKeyAuthentication.TenantOf(key));
    };
}
