using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary><c>GET /sync/status</c>: Nango's fields and classification, with record counts per variant.</summary>
public sealed class StatusService
{
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly ISyncStore _syncs;
    private readonly IRunHistoryStore _runs;
    private readonly IRecordStore _records;
    private readonly ICheckpointStore _checkpoints;

    public StatusService(IIntegrationStore integrations, IConnectionStore connections, ISyncStore syncs, IRunHistoryStore runs, IRecordStore records, ICheckpointStore checkpoints)
    {
        _integrations = integrations;
        _connections = connections;
        _syncs = syncs;
        _runs = runs;
        _records = records;
        _checkpoints = checkpoints;
    }

    /// <summary>
    /// The most syncs one status call may cover (Nango documents no cap). Each sync costs a row in three set-based
    /// reads and an entry in the answer, so an integration with 100,000 connections cannot make one call read them all.
    /// </summary>
    public const int MaxSyncs = 1000;

    /// <param name="syncs">null for <c>*</c>.</param>
    /// <exception cref="InvalidInputException">The call would cover more than <see cref="MaxSyncs"/> syncs.</exception>
    public async Task<IReadOnlyList<SyncStatus>> GetAsync(Tenant tenant, string providerConfigKey, string? connectionId, IReadOnlyList<SyncIdentifier>? syncs, CancellationToken cancellationToken)
    {
        IReadOnlyList<SyncRow> rows;
        if (connectionId is not null)
        {
            var connection = await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken)
                ?? throw new InvalidInputException("invalid_body", "Connection not found");
            var all = await _syncs.GetSyncsAsync(connection.Id, cancellationToken);
            // One entry per name asked for, a repeated name repeated: Nango's getSyncStatus loops over the names given.
            rows = syncs is null ? all : syncs.Select(i => all.FirstOrDefault(s => s.Name == i.Name && s.Variant == i.Variant)).OfType<SyncRow>().ToList();
        }
        else
        {
            var integration = await _integrations.GetAsync(tenant.EnvironmentId, providerConfigKey, cancellationToken);
            rows = integration is null ? [] : await _syncs.GetSyncsOfIntegrationAsync(integration.Id, syncs, MaxSyncs + 1, cancellationToken);
        }

        if (rows.Count > MaxSyncs)
        {
            throw new InvalidInputException(
                "invalid_query_params",
                $"A status call covers at most {MaxSyncs} syncs and this one matches more; pass connection_id or name fewer syncs.");
        }

        // Three set-based reads for the whole answer, however many syncs it covers.
        var latest = await _runs.LatestRunsAsync(rows.Select(r => r.Id).ToList(), cancellationToken);
        var connectionIds = rows.Select(r => r.ConnectionDbId).Distinct().ToList();
        var counts = await _records.CountLiveManyAsync(connectionIds, rows.SelectMany(StoredModels).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var checkpoints = await _checkpoints.GetManyAsync(connectionIds, rows.Select(CheckpointKey).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var result = new List<SyncStatus>(rows.Count);
        foreach (var row in rows)
        {
            latest.TryGetValue(row.Id, out var run);
            checkpoints.TryGetValue((row.ConnectionDbId, CheckpointKey(row)), out var checkpoint);
            result.Add(new SyncStatus(
                row,
                Classify(row, run),
                run,
                row.Models.ToDictionary(m => m, m => counts.GetValueOrDefault((row.ConnectionDbId, StoredModel(row, m))), StringComparer.Ordinal),
                checkpoint?.Value));
        }

        return result;
    }

    private static string CheckpointKey(SyncRow row) => $"sync:{row.Name}:{row.Variant}";

    private static string StoredModel(SyncRow row, string model) =>
        row.Variant == SyncIdentifier.BaseVariant ? model : $"{model}::{row.Variant}";

    private static IEnumerable<string> StoredModels(SyncRow row) => row.Models.Select(m => StoredModel(row, m));

    /// <summary>Nango §2.2: running wins, then paused, then the last run's outcome.</summary>
    public static string Classify(SyncRow row, RunRow? latest)
    {
        if (latest?.State == RunState.Running)
        {
            return "RUNNING";
        }

        if (row.ScheduleState == ScheduleState.Paused)
        {
            return "PAUSED";
        }

        return latest?.State is RunState.Failed or RunState.Cancelled ? "ERROR" : "SUCCESS";
    }
}

public sealed record SyncStatus(SyncRow Sync, string Status, RunRow? LatestRun, IReadOnlyDictionary<string, long> RecordCount, JsonObject? Checkpoint);
