using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>
/// Assembles the OpenAPI 3.1 document from per-area fragments (JSON text next to nothing but itself, so it reads
/// and diffs like the document it is). A test checks that every mapped route is described.
/// </summary>
internal static class OpenApiDocument
{
    private const string Root = """
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Tributary API",
            "version": "1.0.0",
            "description": "Tributary speaks Nango's HTTP API: the official clients work unchanged. Every error is Nango's {\"error\": {\"code\", \"message\"?, \"errors\"?, \"payload\"?}} plus a top-level \"message\" mirroring error.message. Where Tributary differs from Nango, and why: docs/api.md. Each operation's x-scope is the API key scope it requires (a scope ending in :* grants its prefix)."
          },
          "security": [{ "bearerAuth": [] }],
          "paths": {}
        }
        """;

    private static readonly string[] PathFragments =
    [
        OpenApiSyncPaths.Json,
        OpenApiDataPaths.Json,
        OpenApiAdminPaths.Json,
    ];

    public static byte[] Build(string? pathBase)
    {
        var document = JsonNode.Parse(Root)!.AsObject(); // a constant
        document["servers"] = new JsonArray(new JsonObject { ["url"] = string.IsNullOrEmpty(pathBase) ? "/" : pathBase });
        var paths = document["paths"]!.AsObject(); // present in Root
        foreach (var fragment in PathFragments)
        {
            var source = JsonNode.Parse(fragment)!.AsObject(); // a constant
            foreach (var (path, item) in source.ToList())
            {
                // A node has one parent: detach it before adding it to the document.
                source.Remove(path);
                paths[path] = item;
            }
        }

        document["components"] = JsonNode.Parse(OpenApiComponents.Json);
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }
}
