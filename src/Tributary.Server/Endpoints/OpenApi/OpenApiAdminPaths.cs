namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>Tributary's own operations: the runs API, health and this document.</summary>
internal static class OpenApiAdminPaths
{
    public const string Json = """
        {
          "/runs": {
            "get": {
              "summary": "List runs (newest first)",
              "x-scope": "environment:syncs:read",
              "parameters": [
                { "name": "provider_config_key", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "connection_id", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "sync", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "variant", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "state", "in": "query", "required": false, "schema": { "type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"] } },
                { "name": "batch_id", "in": "query", "required": false, "schema": { "type": "string" }, "description": "The batch_id of a trigger answer." },
                { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } },
                { "name": "cursor", "in": "query", "required": false, "schema": { "type": "string" }, "description": "The next_cursor of the previous page." }
              ],
              "responses": {
                "200": {
                  "description": "One page",
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": ["runs", "next_cursor"],
                        "properties": {
                          "runs": { "type": "array", "items": { "$ref": "#/components/schemas/Run" } },
                          "next_cursor": { "type": ["string", "null"] }
                        }
                      }
                    }
                  }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/runs/{id}": {
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "get": {
              "summary": "Get a run",
              "x-scope": "environment:syncs:read",
              "responses": {
                "200": { "description": "The run", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Run" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/runs/{id}/cancel": {
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "post": {
              "summary": "Cancel a queued or running run",
              "x-scope": "environment:syncs:execute",
              "responses": {
                "200": { "description": "The run after the change", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Run" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/health": {
            "get": {
              "summary": "Liveness",
              "security": [],
              "responses": {
                "200": { "description": "Up", "content": { "application/json": { "schema": { "type": "object", "properties": { "status": { "type": "string", "const": "ok" } } } } } }
              }
            }
          },
          "/openapi.json": {
            "get": {
              "summary": "This document",
              "security": [],
              "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }
          }
        }
        """;
}
