namespace Tributary.Server.Validation;

/// <summary>
/// A validated <c>GET /records</c>. <see cref="ModifiedAfter"/> is in UTC; <see cref="Cursor"/> is passed on
/// undecoded; <see cref="Ids"/> is empty when no id filter was given.
/// </summary>
internal sealed record RecordsQuery(
    string ConnectionId,
    string ProviderConfigKey,
    string Model,
    string? Variant,
    DateTimeOffset? ModifiedAfter,
    int Limit,
    RecordFilters Filter,
    string? Cursor,
    IReadOnlyList<string> Ids)
{
    public string ModelFullName => RecordModel.FullName(Model, Variant);
}
