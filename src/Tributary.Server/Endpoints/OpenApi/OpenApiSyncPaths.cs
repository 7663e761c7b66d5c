namespace Tributary.Server.Endpoints.OpenApi;

/// <summary>The <c>/sync/*</c> operations. <c>/sync/trigger</c> follows Nango's API reference page for it.</summary>
internal static class OpenApiSyncPaths
{
    public const string Json = """
        {
          "/sync/trigger": {
            "post": {
              "summary": "Trigger a sync",
              "description": "Triggers an additional, one-off execution of the given syncs, for one connection or (without connection_id) every connection of the integration. All or nothing: when one named sync does not exist, nothing is applied. A sync already running gets one follow-up run (coalesced with any already queued). The provider config key and connection id may also come from the Provider-Config-Key and Connection-Id headers.",
              "x-scope": "environment:syncs:execute",
              "parameters": [
                { "name": "Provider-Config-Key", "in": "header", "required": false, "schema": { "type": "string" } },
                { "name": "Connection-Id", "in": "header", "required": false, "schema": { "type": "string" } },
                { "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 255 }, "description": "Within 24 hours, the same key (same environment, same request) returns the first successful answer and triggers nothing new; a different request with the key is 400 idempotency_key_reused." }
              ],
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["provider_config_key", "syncs"],
                      "properties": {
                        "provider_config_key": { "type": "string", "description": "The ID of the integration." },
                        "connection_id": { "type": "string", "description": "The ID of the connection. If omitted, the syncs are triggered for every connection of the integration." },
                        "syncs": {
                          "type": "array",
                          "description": "Sync names (a name or \"name::variant\") or {name, variant} objects. If empty, all syncs are triggered.",
                          "items": {
                            "oneOf": [
                              { "type": "string", "description": "Sync name", "example": "github-issues" },
                              {
                                "type": "object",
                                "required": ["name", "variant"],
                                "properties": {
                                  "name": { "type": "string", "description": "The name of the sync" },
                                  "variant": { "type": "string", "description": "The variant name" }
                                },
                                "example": { "name": "github-issues", "variant": "custom-variant" }
                              }
                            ]
                          }
                        },
                        "opts": {
                          "type": "object",
                          "description": "Options for triggering the sync.",
                          "properties": {
                            "reset": { "type": "boolean", "description": "If true, cancels the running run, clears the checkpoint and lastSyncDate, then triggers the sync, so it starts fresh." },
                            "emptyCache": { "type": "boolean", "description": "If true, deletes all cached records of the sync at the start of the new run. Must be used with reset=true (400 otherwise)." }
                          }
                        },
                        "sync_mode": { "type": "string", "enum": ["incremental", "full_refresh", "full_refresh_and_clear_cache"], "deprecated": true },
                        "full_resync": { "type": "boolean", "deprecated": true }
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": {
                  "description": "Successfully triggered the sync",
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": ["success"],
                        "properties": {
                          "success": { "type": "boolean" },
                          "batch_id": { "type": "string", "description": "Tributary: set when several syncs were targeted; GET /runs?batch_id= lists their runs." },
                          "counts": {
                            "type": "object",
                            "description": "Tributary: what happened, per outcome.",
                            "properties": { "queued": { "type": "integer" }, "coalesced": { "type": "integer" }, "restarted": { "type": "integer" } }
                          },
                          "runs": {
                            "type": "array",
                            "description": "Tributary: one entry per target, present up to 100 targets.",
                            "items": {
                              "type": "object",
                              "properties": {
                                "run_id": { "type": "string" },
                                "connection_id": { "type": "string" },
                                "sync": { "type": "string" },
                                "variant": { "type": "string" },
                                "outcome": { "type": "string", "enum": ["queued", "coalesced", "restarted"] }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "400": {
                  "description": "Invalid request",
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "properties": {
                          "message": { "type": "string" },
                          "error": { "$ref": "#/components/schemas/Error/properties/error" }
                        }
                      }
                    }
                  }
                },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "409": { "description": "idempotency_key_in_use: a request with this Idempotency-Key is still running.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/sync/pause": {
            "post": {
              "summary": "Pause syncs",
              "description": "Pauses the schedules of the syncs; their queued and running runs are cancelled.",
              "x-scope": "environment:syncs:execute",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncControlBody" } } } },
              "responses": {
                "200": { "description": "Paused", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Success" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/sync/start": {
            "post": {
              "summary": "Start (resume) syncs",
              "description": "Resumes the schedules; a sync whose slot passed while paused runs at once, others at their next slot.",
              "x-scope": "environment:syncs:execute",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncControlBody" } } } },
              "responses": {
                "200": { "description": "Started", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Success" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/sync/status": {
            "get": {
              "summary": "Sync status",
              "x-scope": "environment:syncs:read",
              "parameters": [
                { "name": "syncs", "in": "query", "required": true, "schema": { "type": "string" }, "description": "\"*\" or a comma-separated list of names, each optionally \"name::variant\"." },
                { "name": "provider_config_key", "in": "query", "required": true, "schema": { "type": "string" } },
                { "name": "connection_id", "in": "query", "required": false, "schema": { "type": "string" } }
              ],
              "responses": {
                "200": {
                  "description": "The status of each matching sync",
                  "content": { "application/json": { "schema": { "type": "object", "required": ["syncs"], "properties": { "syncs": { "type": "array", "items": { "$ref": "#/components/schemas/SyncStatus" } } } } } }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/sync/update-connection-frequency": {
            "put": {
              "summary": "Override a sync's frequency for one connection",
              "description": "null goes back to the sync config's frequency. Intervals under 30 seconds are refused (\"Sync interval is invalid\"). The next run moves to the first slot of the new interval at or after now.",
              "x-scope": "environment:syncs:update",
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["sync_name", "provider_config_key", "connection_id", "frequency"],
                      "properties": {
                        "sync_name": { "type": "string" },
                        "sync_variant": { "type": "string", "default": "base" },
                        "provider_config_key": { "type": "string" },
                        "connection_id": { "type": "string" },
                        "frequency": { "type": ["string", "null"], "example": "every 5 minutes" }
                      }
                    }
                  }
                }
              },
              "responses": {
                "200": {
                  "description": "The interval applied: normalised (\"every hour\" → \"1h\"), or the config's frequency as written",
                  "content": { "application/json": { "schema": { "type": "object", "required": ["frequency"], "properties": { "frequency": { "type": "string" } } } } }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          },
          "/sync/{name}/variant/{variant}": {
            "parameters": [
              { "name": "name", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[a-zA-Z0-9_-]+$" } },
              { "name": "variant", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[a-zA-Z0-9_-]+$" } }
            ],
            "post": {
              "summary": "Create a sync variant",
              "description": "A new sync of the same config on the connection, scheduled STARTED when the config auto-starts, else PAUSED. Errors: invalid_variant (base), unknown_connection, resource_capped (100 variants per sync), sync_variant_already_exists, unknown_sync.",
              "x-scope": "environment:syncs:variant:create",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ConnectionRef" } } } },
              "responses": {
                "200": {
                  "description": "Created",
                  "content": { "application/json": { "schema": { "type": "object", "required": ["id", "name", "variant"], "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "variant": { "type": "string" } } } } }
                },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            },
            "delete": {
              "summary": "Delete a sync variant",
              "description": "Deletes the variant's sync, its runs (a running one is cancelled) and its checkpoints. The request carries a JSON body.",
              "x-scope": "environment:syncs:variant:delete",
              "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ConnectionRef" } } } },
              "responses": {
                "200": { "description": "Deleted", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Success" } } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "401": { "$ref": "#/components/responses/Unauthorized" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "429": { "$ref": "#/components/responses/TooManyRequests" }
              }
            }
          }
        }
        """;
}
