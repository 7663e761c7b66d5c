using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// The shapes the generator cannot infer from the contracts: a <c>syncs</c> item is a name or a <c>{name, variant}</c>
/// object (Nango's reference), a metadata write names one connection or several, and a record is its stored payload
/// plus <c>_nango_metadata</c>.
/// </summary>
internal sealed class NangoSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var property = context.JsonPropertyInfo;
        if (property is null)
        {
            return Task.CompletedTask;
        }

        if (property.Name == "syncs" && (property.DeclaringType == typeof(TriggerRequest) || property.DeclaringType == typeof(SyncScheduleRequest)))
        {
            schema.Description = "Sync names (\"name\" or \"name::variant\") or {name, variant} objects; an empty list means every sync.";
            schema.Items = new OpenApiSchema { OneOf = [SyncName(), SyncObject()] };
        }
        else if (property.Name == "connection_id" && property.DeclaringType == typeof(MetadataRequest))
        {
            schema.OneOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.String },
                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            ];
        }
        else if (property.Name == "records" && property.DeclaringType == typeof(RecordsPage))
        {
            schema.Items = Record();
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema SyncName() => new()
    {
        Type = JsonSchemaType.String,
        Description = "A sync name, or name::variant",
        Examples = [JsonValue.Create("contacts")],
    };

    private static OpenApiSchema SyncObject() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(StringComparer.Ordinal) { "name" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The name of the sync" },
            ["variant"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The variant name (base when omitted)" },
        },
    };

    private static OpenApiSchema Record() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The record as the sync function saved it, plus _nango_metadata.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "id", "_nango_metadata" },
        AdditionalPropertiesAllowed = true,
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["_nango_metadata"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                {
                    ["first_seen_at"] = Timestamp(nullable: false),
                    ["last_modified_at"] = Timestamp(nullable: false),
                    ["last_action"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Enum = [JsonValue.Create("ADDED"), JsonValue.Create("UPDATED"), JsonValue.Create("DELETED")],
                    },
                    ["deleted_at"] = Timestamp(nullable: true),
                    ["pruned_at"] = Timestamp(nullable: true),
                    ["cursor"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        },
    };

    /// <summary>Nango's record timestamps: microseconds and an explicit offset, e.g. 2023-09-18T15:20:35.941305+00:00.</summary>
    private static OpenApiSchema Timestamp(bool nullable) => new()
    {
        Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String,
        Format = "date-time",
    };
}
