using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// A contract field ignored when null is optional and never null on the wire: absent from <c>required</c> and without
/// <c>null</c> in its type (Nango's zod refuses null where a field may be left out, and the server leaves such a field out).
/// The generator would otherwise call every constructor parameter required and every nullable one "type or null".
/// </summary>
/// <remarks>
/// Two passes: each object schema drops its optional fields from <c>required</c> as it is generated; once the document
/// is complete (the generator wraps nullable references in <c>oneOf [null, reference]</c> only when it assembles the
/// components), every field left out of <c>required</c> loses its <c>null</c>.
/// </remarks>
internal sealed class OptionalFieldTransformer : IOpenApiSchemaTransformer, IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // The object's own type info (also when the schema is reached through a property of another object).
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var optional in context.JsonTypeInfo.Properties.Where(IsOptional))
            {
                required.Remove(optional.Name);
            }
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            DropNullOfOptionalFields(schema, depth: 0);
        }

        return Task.CompletedTask;
    }

    /// <summary>Drops <c>null</c> from a schema's type, or the <c>{"type":"null"}</c> branch the generator wraps a reference in.</summary>
    public static void WithoutNull(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type != JsonSchemaType.Null)
        {
            schema.Type = type & ~JsonSchemaType.Null;
        }

        if (schema.OneOf?.FirstOrDefault(s => s.Type == JsonSchemaType.Null) is { } nullBranch)
        {
            schema.OneOf.Remove(nullBranch);
        }

        // A nullable enum lists null among its values too.
        if (schema.Enum is { } values)
        {
            for (var i = values.Count - 1; i >= 0; i--)
            {
                if (values[i] is null || values[i]!.GetValueKind() == System.Text.Json.JsonValueKind.Null)
                {
                    values.RemoveAt(i);
                }
            }
        }
    }

    private static bool IsOptional(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: false)
            .OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.WhenWritingNull) == true;

    /// <summary>Contracts nest a few levels at most; the bound only guards against a schema that refers to itself.</summary>
    private const int MaxDepth = 16;

    private static void DropNullOfOptionalFields(OpenApiSchema schema, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        if (schema.Items is OpenApiSchema items)
        {
            DropNullOfOptionalFields(items, depth + 1);
        }

        if (schema.Properties is not { Count: > 0 } properties)
        {
            return;
        }

        foreach (var name in properties.Keys.ToList())
        {
            if (properties[name] is not OpenApiSchema property)
            {
                continue;
            }

            if (schema.Required?.Contains(name) != true)
            {
                WithoutNull(property);
                if (property.OneOf is [OpenApiSchemaReference reference])
                {
                    properties[name] = reference;
                    continue;
                }
            }

            DropNullOfOptionalFields(property, depth + 1);
        }
    }
}
