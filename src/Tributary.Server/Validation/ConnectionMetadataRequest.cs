using System.Text.Json.Nodes;

namespace Tributary.Server.Validation;

/// <summary>A valid <c>POST</c>/<c>PATCH /connections/metadata</c>.</summary>
internal sealed record ConnectionMetadataRequest(IReadOnlyList<string> ConnectionIds, string ProviderConfigKey, JsonObject Metadata);
