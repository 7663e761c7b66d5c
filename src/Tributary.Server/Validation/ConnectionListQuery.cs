namespace Tributary.Server.Validation;

/// <summary>A valid <c>GET /connections</c> query: optional filters and page size.</summary>
internal sealed record ConnectionListQuery(string? ConnectionId, IReadOnlyList<string>? IntegrationIds, int? Limit);
