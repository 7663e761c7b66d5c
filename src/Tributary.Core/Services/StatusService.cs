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

    /// <param name="syncs">null for <c>*</c>.</param>
    public async Task<IReadOnlyList<SyncStatus>> GetAsync(Tenant tenant, string providerConfigKey, string? connectionId, IReadOnlyList<SyncIdentifier>? syncs, CancellationToken cancellationToken)
    {
        IReadOnlyList<SyncRow> rows;
        if (connectionId is not null)
        {
            var connection = await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken)
                ?? throw new InvalidInputException("invalid_body", "Connection not found");
            var all = await _syncs.GetSyncsAsync(connection.Id, cancellationToken);
            rows = syncs is null ? all : syncs.Distinct().Select(i => all.FirstOrDefault(s => s.Name == i.Name && s.Variant == i.Variant)).OfType<SyncRow>().ToList();
        }
        else
        {
            var integration = await _integrations.GetAsync(tenant.EnvironmentId, providerConfigKey, cancellationToken);
            rows = integration is null ? [] : await _syncs.GetSyncsOfIntegrationAsync(integration.Id, syncs, cancellationToken);
        }

        var latest = await _runs.LatestRunsAsync(rows.Select(r => r.Id).ToList(), cancellationToken);
        var result = new List<SyncStatus>(rows.Count);
        foreach (var row in rows)
        {
            latest.TryGetValue(row.Id, out var run);
            var models = row.Models.Select(m => row.Variant == SyncIdentifier.BaseVariant ? m : $"{m}::{row.Variant}").ToList();
            var counts = await _records.CountLiveAsync(row.ConnectionDbId, models, cancellationToken);
            var checkpoint = await _checkpoints.GetAsync(row.ConnectionDbId, $"sync:{row.Name}:{row.Variant}", cancellationToken);
            result.Add(new SyncStatus(
                row,
                Classify(row, run),
                run,
                row.Models.ToDictionary(m => m, m => counts[row.Variant == SyncIdentifier.BaseVariant ? m : $"{m}::{row.Variant}"], StringComparer.Ordinal),
                checkpoint?.Value));
        }

        return result;
    }

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
