using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// <c>x-scope</c> and the bearer requirement on every operation mapped with <see cref="ApiRoutes.MapApi"/>, read from
/// the same <see cref="ApiScope"/> metadata the request pipeline enforces. Operations without it are public.
/// </summary>
internal sealed class ScopeTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var scope = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiScope>().LastOrDefault();
        if (scope is null)
        {
            return Task.CompletedTask;
        }

        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        operation.Extensions["x-scope"] = new JsonNodeExtension(JsonValue.Create(scope.Scope));
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentHeaderTransformer.BearerScheme, context.Document)] = [] }];
        return Task.CompletedTask;
    }
}
