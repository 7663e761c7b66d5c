namespace Tributary.Server.Validation;

/// <summary>A valid <c>GET /runs</c> query.</summary>
internal sealed record RunListQuery(
    string? ProviderConfigKey,
    string? ConnectionId,
    string? Sync,
    string? Variant,
    string? State,
    string? BatchId,
    long? Before,
    int Limit);
