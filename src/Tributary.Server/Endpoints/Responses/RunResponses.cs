using Tributary.Core.Domain;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's run rows as the runs API shows them.</summary>
internal static class RunResponses
{
    public static RunResponse From(RunRow run) => new(
        run.Id.ToString(CultureInfo.InvariantCulture),
        run.ProviderConfigKey,
        run.ConnectionId,
        run.SyncName,
        run.Variant,
        run.State.ToApiName(),
        run.TriggerSource,
        run.Initiator,
        run.Reset,
        run.EmptyCache,
        run.BatchId,
        run.Attempt,
        Micros.ToIsoString(run.QueuedAt),
        IsoOrNull(run.StartedAt),
        IsoOrNull(run.FinishedAt),
        run.ResultJson is { } result ? new RawJson(result) : RawJson.EmptyObject,
        run.Error);

    /// <param name="page">Up to <paramref name="limit"/> + 1 runs: one more than shown tells that a next page exists.</param>
    public static RunListResponse Page(IReadOnlyList<RunRow> page, int limit) => new(
        page.Take(limit).Select(From).ToList(),
        page.Count > limit ? page[limit - 1].Id.ToString(CultureInfo.InvariantCulture) : null);

    public static string? IsoOrNull(long? micros) => micros is { } value ? Micros.ToIsoString(value) : null;
}
