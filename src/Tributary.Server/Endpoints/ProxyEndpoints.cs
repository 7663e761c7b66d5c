namespace Tributary.Server.Endpoints;

/// <summary>Nango's <c>/proxy/*</c>: a call to the connection's provider API with its credentials injected.</summary>
internal static class ProxyEndpoints
{
    /// <summary>The methods <c>@nangohq/node</c> sends (<c>proxy</c>, <c>get</c>, <c>post</c>, <c>put</c>, <c>patch</c>, <c>delete</c>).</summary>
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static IEndpointRouteBuilder MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var method in Methods)
        {
            app.MapApi(method, "/proxy/{**endpoint}", "environment:proxy", ProxyAsync)
                .WithName($"proxy{method[0]}{method[1..].ToLowerInvariant()}").WithTags("Proxy").WithSummary($"{method} through the proxy")
                .WithDescription(
                    "Sends the request to the connection's provider API (the path and query after /proxy) with its credentials "
                    + "injected; Nango-Proxy-<Name> headers are forwarded as <Name>. Retries (header) bounds retries of 429, 5xx "
                    + "and rate-limit 403s; the answer streams back with the provider's status and headers.")
                .AcceptsHeaders<ProxyRequestHeaders>().Produces(StatusCodes.Status200OK).ProducesErrors(400, 404, 424);
        }

        return app;
    }

    private static async Task ProxyAsync(HttpContext context, Tenant tenant)
    {
        var headers = ProxyHeaders.Parse(context.Request.Headers);
        if (!headers.IsValid)
        {
            await JsonResponses.ErrorAsync(context, headers.Error);
            return;
        }

        var control = headers.Value;
        var endpoint = ProxyForwarder.Endpoint(context.Request);
        using var call = await context.RequestServices.GetRequiredService<ProxyService>()
            .OpenAsync(tenant, control.ProviderConfigKey, control.ConnectionId, endpoint, control.BaseUrlOverride, context.RequestAborted);
        await ProxyForwarder.ForwardAsync(context, call, control, context.RequestAborted);
    }
}
