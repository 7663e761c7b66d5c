namespace Tributary.Server.Validation;

/// <summary>A validated <c>POST</c> or <c>DELETE /sync/{name}/variant/{variant}</c>.</summary>
internal sealed record SyncVariantRequest(string SyncName, string Variant, string ProviderConfigKey, string ConnectionId);
