namespace Tributary.Server.Validation;

/// <summary>A validated <c>PATCH /records/prune</c>; <see cref="UntilCursor"/> is passed on undecoded.</summary>
internal sealed record PruneRecordsRequest(
    string ConnectionId,
    string ProviderConfigKey,
    string Model,
    string? Variant,
    string UntilCursor,
    int Limit)
{
    public string ModelFullName => RecordModel.FullName(Model, Variant);
}
