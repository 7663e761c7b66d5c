namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>Records, connections, integrations and environment variables.</summary>
internal static class OpenApiDataPaths
{
    public const string Json = """
        {
          "/records": {
            "get": {
              "summary": "List records",
              "description": "Records of one model (and variant) of a connection, in change order, including deleted ones unless filtered. An unreadable cursor is 400 invalid_cursor.",
              "x-scope": "environment:records:read",
              "parameters": [
                { "$ref": "#/components/parameters/ConnectionIdHeader" },
                { "$ref": "#/components/parameters/ProviderConfigKeyHeader" },
                { "name": "model", "in": "query", "required": true, "schema": { "type": "string", "pattern": "^[A-Z][a-zA-Z0-9_-]+$" } },
                { "name": "variant", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "modified_after", "in": "query", "required": false, "schema": { "type": "string", "format": "date-time" }, "description": "Inclusive; within the last 12 months." },
                { "name": "delta", "in": "query", "required": false, "deprecated": true, "schema": { "type": "string", "format": "date-time" } },
                { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 10000, "default": 100 } },
                { "name": "filter", "in": "query", "required": false, "schema": { "type": "string" }, "description": "Comma-separated added, updated, deleted: records matching any of them." },
                { "name": "cursor", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "ids", "in": "query", "required": false, "schema": { "type": "array", "items": { "type": "string" }, "maxItems": 100 }, "style": "form", "explode": true }
              ],
              "responses": {
                "200": {
                  "description": "One page",
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": ["records", "next_cursor"],
                        "properties": {
                          "records": { "type": "array", "items": { "$ref": "#/components/schemas/Record" } },
                          "next_cursor": { "type": ["string", "null"] }
                        }
                      }
                    }
                  }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/records/prune": {
            "patch": {
              "summary": "Prune record payloads",
              "description": "Empties the payloads of records up to and including until_cursor (metadata and cursor positions stay), at most limit per call; call again while has_more.",
              "x-scope": "environment:records:write",
              "parameters": [
                { "$ref": "#/components/parameters/ConnectionIdHeader" },
                { "$ref": "#/components/parameters/ProviderConfigKeyHeader" }
              ],
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["model", "until_cursor"],
                      "properties": {
                        "model": { "type": "string" },
                        "variant": { "type": "string" },
                        "until_cursor": { "type": "string", "minLength": 1, "maxLength": 1000 },
                        "limit": { "type": "integer", "minimum": 1, "maximum": 10000, "default": 1000 }
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": {
                  "description": "What was pruned",
                  "content": { "application/json": { "schema": { "type": "object", "required": ["count", "has_more"], "properties": { "count": { "type": "integer" }, "has_more": { "type": "boolean" } } } } }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/connections": {
            "get": {
              "summary": "List connections",
              "x-scope": "environment:connections:read",
              "parameters": [{ "name": "connectionId", "in": "query", "required": false, "schema": { "type": "string" }, "description": "Also accepted as connection_id." }],
              "responses": {
                "200": { "description": "The connections", "content": { "application/json": { "schema": { "type": "object", "properties": { "connections": { "type": "array", "items": { "type": "object" } } } } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "post": {
              "summary": "Import a connection",
              "description": "Creates a connection with its credentials (API_KEY, BASIC, OAUTH2 or NONE) and one sync per enabled sync config of the integration.",
              "x-scope": "environment:connections:write",
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": ["provider_config_key", "connection_id"],
                      "properties": {
                        "provider_config_key": { "type": "string" },
                        "connection_id": { "type": "string", "maxLength": 255 },
                        "credentials": { "type": "object", "properties": { "type": { "type": "string", "enum": ["API_KEY", "BASIC", "OAUTH2", "NONE"] } } },
                        "metadata": { "type": "object" }
                      }
                    }
                  }
                }
              },
              "responses": {
                "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Connection" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "409": { "description": "duplicate_connection", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/connections/{connectionId}": {
            "parameters": [
              { "name": "connectionId", "in": "path", "required": true, "schema": { "type": "string" } },
              { "name": "provider_config_key", "in": "query", "required": false, "schema": { "type": "string" } }
            ],
            "get": {
              "summary": "Get a connection (with credentials)",
              "x-scope": "environment:connections:read",
              "responses": {
                "200": { "description": "The connection", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Connection" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "delete": {
              "summary": "Delete a connection",
              "description": "Deletes the connection with its syncs, runs (running ones are cancelled), checkpoints and records.",
              "x-scope": "environment:connections:write",
              "responses": {
                "200": { "description": "Deleted", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Success" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/connections/metadata": {
            "post": {
              "summary": "Replace connection metadata",
              "x-scope": "environment:connections:write",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MetadataBody" } } } },
              "responses": {
                "200": { "description": "The metadata sent", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "patch": {
              "summary": "Merge into connection metadata",
              "x-scope": "environment:connections:write",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MetadataBody" } } } },
              "responses": {
                "200": { "description": "The metadata sent", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/integrations": {
            "get": {
              "summary": "List integrations",
              "x-scope": "environment:integrations:read",
              "responses": {
                "200": { "description": "The integrations", "content": { "application/json": { "schema": { "type": "object", "required": ["data"], "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Integration" } } } } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "post": {
              "summary": "Create an integration",
              "description": "Any provider name is accepted (there is no provider catalogue); credentials are refused (no OAuth flows: connections are imported with theirs). Syncs come from tributary.yaml entries with the same key.",
              "x-scope": "environment:integrations:create",
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["provider", "unique_key"],
                      "properties": {
                        "provider": { "type": "string" },
                        "unique_key": { "type": "string" },
                        "display_name": { "type": "string", "minLength": 1, "maxLength": 255 },
                        "forward_webhooks": { "type": "boolean", "description": "Accepted and ignored." }
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IntegrationData" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/integrations/{key}": {
            "parameters": [{ "name": "key", "in": "path", "required": true, "schema": { "type": "string" }, "description": "The integration's unique key (provider_config_key)." }],
            "get": {
              "summary": "Get an integration",
              "x-scope": "environment:integrations:read",
              "responses": {
                "200": { "description": "The integration", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IntegrationData" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "patch": {
              "summary": "Rename or relabel an integration",
              "description": "A rename is refused while the integration has connections, or when the key is taken.",
              "x-scope": "environment:integrations:update",
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "additionalProperties": false,
                      "properties": {
                        "unique_key": { "type": "string" },
                        "display_name": { "type": "string", "minLength": 1, "maxLength": 255 },
                        "forward_webhooks": { "type": "boolean", "description": "Accepted and ignored." }
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": { "description": "Updated", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IntegrationData" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "delete": {
              "summary": "Delete an integration",
              "description": "Deletes it with its sync configs, connections, syncs, runs (running ones cancelled), checkpoints and records.",
              "x-scope": "environment:integrations:delete",
              "responses": {
                "200": { "description": "Deleted", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Success" } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/environment-variables": {
            "get": {
              "summary": "Environment variables",
              "description": "Always an empty list: Tributary keeps no environment variables. The Node client sends Content-Type: application/json with no body, which is accepted.",
              "x-scope": "environment:environment_variables:read",
              "responses": {
                "200": { "description": "The variables", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "value": { "type": "string" } } } } } } },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          }
        }
        """;
}
