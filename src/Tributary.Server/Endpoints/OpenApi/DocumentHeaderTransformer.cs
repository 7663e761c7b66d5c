using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tributary.Server.Hosting;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>The document's title and description, its one server (the path base, so a stable document), and the bearer scheme.</summary>
internal sealed class DocumentHeaderTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearerAuth";

    private readonly string _serverUrl;

    public DocumentHeaderTransformer(TributaryServerOptions options)
    {
        _serverUrl = string.IsNullOrEmpty(options.PathBase) ? "/" : options.PathBase;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Tributary API",
            Version = "1.0.0",
            Description = "Tributary speaks Nango's HTTP API: the official clients work unchanged. Every error is Nango's "
                + "{\"error\": {\"code\", \"message\"?, \"errors\"?, \"payload\"?}} plus a top-level \"message\" mirroring error.message. "
                + "Where Tributary differs from Nango, and why: docs/api.md. Each operation's x-scope is the API key scope it requires "
                + "(a scope ending in :* grants its prefix).",
        };
        document.Servers = [new OpenApiServer { Url = _serverUrl }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The environment's secret key (a UUID v4), or a key made with `tributary keys create`.",
        };
        return Task.CompletedTask;
    }
}
