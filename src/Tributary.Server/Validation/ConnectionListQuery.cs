namespace Tributary.Server.Validation;

/// <summary>A valid <c>GET /connections</c> query: optional filters, page size, and the previous page's cursor or Nango's page number.</summary>
internal sealed record ConnectionListQuery(string? ConnectionId, IReadOnlyList<string>? IntegrationIds, int? Limit, string? Cursor = null)
{
    /// <summary>The page size when <c>limit</c> is absent; <c>limit</c> goes up to <see cref="NumberRule.Limit"/>'s 10,000.</summary>
    public const int DefaultLimit = 1000;

    public string? Search { get; init; }

    public string? EndUserId { get; init; }

    public string? EndUserOrganizationId { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public int? Page { get; init; }
}
