namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>Shared schemas, error answers and the bearer scheme of the OpenAPI document.</summary>
internal static class OpenApiComponents
{
    public const string Json = """
        {
          "securitySchemes": {
            "bearerAuth": { "type": "http", "scheme": "bearer", "description": "The environment's secret key (a UUID v4), or a key made with `tributary keys create`." }
          },
          "schemas": {
            "Error": {
              "type": "object",
              "required": ["error", "message"],
              "properties": {
                "error": {
                  "type": "object",
                  "required": ["code"],
                  "properties": {
                    "code": { "type": "string", "description": "Nango's error code, e.g. invalid_body, unknown_connection." },
                    "message": { "type": "string" },
                    "errors": { "type": "array", "items": { "$ref": "#/components/schemas/ValidationIssue" } },
                    "payload": {}
                  }
                },
                "message": { "type": "string", "description": "error.message, or a summary of the first validation issue, or the code." }
              }
            },
            "ValidationIssue": {
              "type": "object",
              "required": ["code", "message", "path"],
              "properties": {
                "code": { "type": "string", "description": "The zod issue code, e.g. invalid_type, unrecognized_keys." },
                "message": { "type": "string" },
                "path": { "type": "array", "items": { "type": "string" } }
              }
            },
            "Success": {
              "type": "object",
              "required": ["success"],
              "properties": { "success": { "type": "boolean" } }
            },
            "SyncList": {
              "type": "array",
              "description": "Sync names (\"name\" or \"name::variant\") or {name, variant} objects; an empty list means every sync.",
              "items": {
                "oneOf": [
                  { "type": "string", "example": "contacts" },
                  {
                    "type": "object",
                    "required": ["name", "variant"],
                    "properties": { "name": { "type": "string" }, "variant": { "type": "string" } }
                  }
                ]
              }
            },
            "SyncControlBody": {
              "type": "object",
              "additionalProperties": false,
              "required": ["syncs", "provider_config_key"],
              "properties": {
                "syncs": { "allOf": [{ "$ref": "#/components/schemas/SyncList" }], "maxItems": 256 },
                "provider_config_key": { "type": "string" },
                "connection_id": { "type": "string", "description": "If omitted, every connection of the integration." }
              }
            },
            "ConnectionRef": {
              "type": "object",
              "additionalProperties": false,
              "required": ["provider_config_key", "connection_id"],
              "properties": {
                "provider_config_key": { "type": "string" },
                "connection_id": { "type": "string" }
              }
            },
            "SyncStatus": {
              "type": "object",
              "required": ["id", "connection_id", "name", "variant", "type", "status", "nextScheduledSyncAt", "frequency", "recordCount", "checkpoint"],
              "properties": {
                "id": { "type": "string" },
                "connection_id": { "type": "string" },
                "name": { "type": "string" },
                "variant": { "type": "string" },
                "type": { "type": "string", "enum": ["INITIAL", "INCREMENTAL"], "deprecated": true },
                "status": { "type": "string", "enum": ["RUNNING", "PAUSED", "SUCCESS", "ERROR", "STOPPED"] },
                "finishedAt": { "type": "string", "format": "date-time" },
                "nextScheduledSyncAt": { "type": ["string", "null"], "format": "date-time" },
                "frequency": { "type": ["string", "null"] },
                "latestResult": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/ModelCounts" } },
                "latestExecutionStatus": { "type": "string", "enum": ["RUNNING", "SUCCESS", "STOPPED"] },
                "recordCount": { "type": "object", "description": "Live records per model of this variant.", "additionalProperties": { "type": "integer" } },
                "checkpoint": { "type": ["object", "null"] },
                "currentRun": {
                  "type": "object",
                  "description": "Tributary: the run in progress, when there is one.",
                  "properties": {
                    "id": { "type": "string" },
                    "startedAt": { "type": ["string", "null"], "format": "date-time" },
                    "triggerSource": { "type": "string", "enum": ["schedule", "api", "retry"] }
                  }
                }
              }
            },
            "ModelCounts": {
              "type": "object",
              "properties": { "added": { "type": "integer" }, "updated": { "type": "integer" }, "deleted": { "type": "integer" } }
            },
            "Run": {
              "type": "object",
              "properties": {
                "id": { "type": "string" },
                "provider_config_key": { "type": "string" },
                "connection_id": { "type": "string" },
                "sync": { "type": "string" },
                "variant": { "type": "string" },
                "state": { "type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"] },
                "trigger_source": { "type": "string", "enum": ["schedule", "api", "retry"] },
                "initiator": { "type": ["string", "null"] },
                "reset": { "type": "boolean" },
                "empty_cache": { "type": "boolean" },
                "batch_id": { "type": ["string", "null"] },
                "attempts": { "type": "integer" },
                "queued_at": { "type": "string", "format": "date-time" },
                "started_at": { "type": ["string", "null"], "format": "date-time" },
                "finished_at": { "type": ["string", "null"], "format": "date-time" },
                "result": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/ModelCounts" } },
                "error": { "type": ["string", "null"] }
              }
            },
            "Integration": {
              "type": "object",
              "required": ["unique_key", "provider", "display_name", "logo", "created_at", "updated_at"],
              "properties": {
                "unique_key": { "type": "string" },
                "provider": { "type": "string" },
                "display_name": { "type": "string" },
                "logo": { "type": "string" },
                "created_at": { "type": "string", "format": "date-time" },
                "updated_at": { "type": "string", "format": "date-time" }
              }
            },
            "IntegrationData": {
              "type": "object",
              "required": ["data"],
              "properties": { "data": { "$ref": "#/components/schemas/Integration" } }
            },
            "MetadataBody": {
              "type": "object",
              "required": ["connection_id", "provider_config_key", "metadata"],
              "properties": {
                "connection_id": { "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] },
                "provider_config_key": { "type": "string" },
                "metadata": { "type": "object" }
              }
            },
            "Connection": {
              "type": "object",
              "properties": {
                "id": { "type": "integer" },
                "connection_id": { "type": "string" },
                "provider_config_key": { "type": "string" },
                "provider": { "type": "string" },
                "errors": { "type": "array", "items": {} },
                "end_user": { "type": "null" },
                "metadata": { "type": "object" },
                "connection_config": { "type": "object" },
                "created_at": { "type": "string", "format": "date-time" },
                "updated_at": { "type": "string", "format": "date-time" },
                "last_fetched_at": { "type": "null" },
                "credentials": { "type": "object" }
              }
            },
            "Record": {
              "type": "object",
              "required": ["id", "_nango_metadata"],
              "properties": {
                "id": { "type": "string" },
                "_nango_metadata": {
                  "type": "object",
                  "properties": {
                    "first_seen_at": { "type": "string" },
                    "last_modified_at": { "type": "string" },
                    "last_action": { "type": "string", "enum": ["ADDED", "UPDATED", "DELETED"] },
                    "deleted_at": { "type": ["string", "null"] },
                    "pruned_at": { "type": ["string", "null"] },
                    "cursor": { "type": "string" }
                  }
                }
              },
              "additionalProperties": true
            }
          },
          "parameters": {
            "ProviderConfigKeyHeader": { "name": "Provider-Config-Key", "in": "header", "required": true, "schema": { "type": "string" } },
            "ConnectionIdHeader": { "name": "Connection-Id", "in": "header", "required": true, "schema": { "type": "string" } }
          },
          "responses": {
            "BadRequest": {
              "description": "Invalid request: invalid_body, invalid_query_params, invalid_headers, invalid_uri_params, invalid_json or a domain error code.",
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            },
            "Unauthorized": {
              "description": "missing_auth_header, malformed_auth_header, invalid_secret_key_format or unknown_account.",
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            },
            "Forbidden": {
              "description": "forbidden: \"Insufficient scope. Required: <scope>\".",
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            },
            "NotFound": {
              "description": "not_found (or unknown_connection where Nango answers 404).",
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            },
            "UnsupportedMediaType": {
              "description": "invalid_content_type: a Content-Type other than application/json.",
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            },
            "TooManyRequests": {
              "description": "too_many_request: the environment's per-minute budget is spent.",
              "headers": {
                "Retry-After": { "schema": { "type": "integer" }, "description": "Seconds until the window resets." },
                "X-RateLimit-Limit": { "schema": { "type": "integer" } },
                "X-RateLimit-Remaining": { "schema": { "type": "integer" } },
                "X-RateLimit-Reset": { "schema": { "type": "integer" }, "description": "Unix seconds at which the window resets." }
              },
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            }
          }
        }
        """;
}
