using System.ComponentModel;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// The request body, query and header parameters from the contracts named with <see cref="ApiRoutes.AcceptsJson{TBody}"/>,
/// <see cref="ApiRoutes.AcceptsQuery{TQuery}"/> and <see cref="ApiRoutes.AcceptsHeaders{THeaders}"/>: the handlers read
/// them by hand (Nango's exact validation), so the generator sees no parameters of their own.
/// </summary>
internal sealed class RequestTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DescribedBody>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/json"] = new OpenApiMediaType { Schema = await ComponentAsync(body.Type, context, cancellationToken) },
                },
            };
        }

        foreach (var described in context.Description.ActionDescriptor.EndpointMetadata.OfType<DescribedParameters>())
        {
            var typeInfo = JsonResponses.Json.GetTypeInfo(described.Type)
                ?? throw new InvalidOperationException($"{described.Type.Name} is not in ContractsJsonContext.");
            operation.Parameters ??= [];
            foreach (var property in typeInfo.Properties)
            {
                var schema = await context.GetOrCreateSchemaAsync(property.PropertyType, null, cancellationToken);

                // A parameter is present or absent, never null.
                OptionalFieldTransformer.WithoutNull(schema);
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = property.Name,
                    In = described.InHeader ? ParameterLocation.Header : ParameterLocation.Query,
                    Required = property.IsRequired,
                    Description = property.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false)
                        .OfType<DescriptionAttribute>().FirstOrDefault()?.Description,
                    Schema = schema,
                });
            }
        }
    }

    /// <summary>The contract's schema as a shared component (named after the type, as the generator names the others), referenced.</summary>
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("Operation transformers run with their document.");
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        if (!document.Components.Schemas.ContainsKey(type.Name))
        {
            document.Components.Schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }
}
