using System.Text.Json.Nodes;

namespace Tributary.Server.Validation;

/// <summary>A valid <c>POST /connections</c>: the credentials object as sent (its <c>type</c> checked), metadata as JSON.</summary>
internal sealed record ConnectionCreateRequest(string ProviderConfigKey, string ConnectionId, JsonObject Credentials, string MetadataJson, JsonObject? ConnectionConfig = null, string? WebhookUrlOverride = null);
