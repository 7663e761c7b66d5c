using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// <c>x-scope</c> and the bearer requirement on every operation mapped with <see cref="ApiRoutes.MapApi"/>, read from
/// the same <see cref="ApiScope"/> metadata the request pipeline enforces; the bearer requirement alone on those any key
/// may call (<see cref="AnyApiKey"/>). Operations with neither are public.
/// </summary>
internal sealed class ScopeTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var scope = metadata.OfType<ApiScope>().LastOrDefault();
        if (scope is null && !metadata.OfType<AnyApiKey>().Any())
        {
            return Task.CompletedTask;
        }

        if (scope is not null)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
            operation.Extensions["x-scope"] = new JsonNodeExtension(JsonValue.Create(scope.Scope));
        }

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentHeaderTransformer.BearerScheme, context.Document)] = [] }];
        return Task.CompletedTask;
    }
}
