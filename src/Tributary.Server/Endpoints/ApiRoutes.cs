using Tributary.Core.Connect;

namespace Tributary.Server.Endpoints;

/// <summary>
/// Maps an authenticated API operation: the scope given here is both the one <see cref="ApiRequest"/> enforces and the
/// endpoint metadata the OpenAPI document's <c>x-scope</c> is read from, so the two cannot drift.
/// </summary>
internal static class ApiRoutes
{
    /// <param name="alsoGrantedBy">
    /// Nango's own, finer scopes that grant this operation too (e.g. <c>environment:connections:create</c> for an import
    /// whose scope here is <c>environment:connections:write</c>), so a key made with Nango's names works; the 403 and the
    /// OpenAPI document name <paramref name="scope"/>.
    /// </param>
    public static RouteHandlerBuilder MapApi(
        this IEndpointRouteBuilder app, string method, string pattern, string scope, Func<HttpContext, Tenant, Task> handler, params string[] alsoGrantedBy) =>
        app.MapMethods(pattern, [method], (Delegate)ApiRequest.Handle(scope, alsoGrantedBy, handler))
            .WithMetadata(new ApiScope(scope))
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status403Forbidden)
            .Produces<TooManyRequestsBody>(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// Maps an operation Nango opens to a connect session's token as well as to an API key
    /// (<see cref="ApiRequest.HandleSessionOrKey"/>); <paramref name="scope"/> null: any key of the environment, as Nango
    /// asks no scope of it (the OpenAPI document then gives the bearer requirement without an <c>x-scope</c>).
    /// </summary>
    public static RouteHandlerBuilder MapSessionOrApi(
        this IEndpointRouteBuilder app, string method, string pattern, string? scope, Func<HttpContext, Tenant, ConnectSession?, Task> handler, params string[] alsoGrantedBy)
    {
        var builder = app.MapMethods(pattern, [method], (Delegate)ApiRequest.HandleSessionOrKey(scope, alsoGrantedBy, handler))
            .WithMetadata(scope is null ? new AnyApiKey() : new ApiScope(scope))
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<TooManyRequestsBody>(StatusCodes.Status429TooManyRequests);
        return scope is null ? builder : builder.Produces<ErrorBody>(StatusCodes.Status403Forbidden);
    }

    /// <summary>The query string the handler reads, described property by property (its parsing stays Nango's own, in Validation).</summary>
    public static RouteHandlerBuilder AcceptsQuery<TQuery>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new DescribedParameters(typeof(TQuery), InHeader: false));

    /// <summary>Headers the handler reads, described property by property.</summary>
    public static RouteHandlerBuilder AcceptsHeaders<THeaders>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new DescribedParameters(typeof(THeaders), InHeader: true));

    /// <summary>
    /// A JSON body, described by its contract (its parsing stays Nango's own, in Validation). Not <c>Accepts&lt;T&gt;</c>:
    /// routing would then answer a missing or other content type with a bare 415, where Nango answers its own errors.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new DescribedBody(typeof(TBody)));

    /// <summary>Answers that are Nango's error body, by status.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ErrorBody>(status);
        }

        return builder;
    }
}

/// <summary>The API key scope an operation requires.</summary>
internal sealed record ApiScope(string Scope);

/// <summary>An operation any API key of the environment may call, whatever its scopes.</summary>
internal sealed record AnyApiKey;

/// <summary>The contract of an operation's JSON body.</summary>
internal sealed record DescribedBody(Type Type);

/// <summary>A contract whose properties are the operation's query (or header) parameters.</summary>
internal sealed record DescribedParameters(Type Type, bool InHeader);
