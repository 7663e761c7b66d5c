using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>
/// <c>POST /sync/trigger</c>, <c>/sync/pause</c> and <c>/sync/start</c> after validation: resolves the targets
/// set-based and applies the command to all of them in one transaction — all or nothing.
/// </summary>
public sealed class TriggerService
{
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly ISyncStore _syncs;
    private readonly IRunQueueStore _runs;
    private readonly RunWakeups _wakeups;
    private readonly RunCancellations _cancellations;
    private readonly TimeProvider _timeProvider;

    public TriggerService(
        IIntegrationStore integrations,
        IConnectionStore connections,
        ISyncStore syncs,
        IRunQueueStore runs,
        RunWakeups wakeups,
        RunCancellations cancellations,
        TimeProvider timeProvider)
    {
        _integrations = integrations;
        _connections = connections;
        _syncs = syncs;
        _runs = runs;
        _wakeups = wakeups;
        _cancellations = cancellations;
        _timeProvider = timeProvider;
    }

    public Task<TriggerResult> TriggerAsync(Tenant tenant, SyncCommand command, bool reset, bool emptyCache, string initiator, CancellationToken cancellationToken) =>
        TriggerAsync(tenant, command, reset, emptyCache, initiator, remember: null, cancellationToken);

    /// <param name="remember">
    /// The reserved idempotency key and how to render the answer: the answer is stored in the trigger's transaction.
    /// </param>
    public async Task<TriggerResult> TriggerAsync(
        Tenant tenant,
        SyncCommand command,
        bool reset,
        bool emptyCache,
        string initiator,
        RememberedAnswer? remember,
        CancellationToken cancellationToken)
    {
        var targets = await ResolveTargetsAsync(tenant, command, cancellationToken);
        var batchId = targets.Count > 1 ? Guid.NewGuid().ToString() : null;
        var idempotency = remember is null
            ? null
            : new IdempotentAnswer(tenant.EnvironmentId, remember.Key, remember.Status, outcomes => remember.Render(new TriggerResult(batchId, targets, outcomes)));
        var outcomes = await _runs.ApplyTriggerAsync(
            targets,
            new TriggerRequest(reset, emptyCache, initiator, batchId, Micros.Now(_timeProvider), idempotency),
            cancellationToken);
        foreach (var outcome in outcomes)
        {
            // The run the reset cancelled, by its id: the restart is already committed and may be running here.
            if (outcome.StoppedRunId is { } stopped)
            {
                _cancellations.Cancel(stopped);
            }
        }

        if (outcomes.Count > 0)
        {
            await _wakeups.WakeAsync(cancellationToken);
        }

        return new TriggerResult(batchId, targets, outcomes);
    }

    /// <summary>Pauses (cancelling queued and running runs) or starts the schedules of the targets.</summary>
    public async Task<int> SetScheduleStateAsync(Tenant tenant, SyncCommand command, bool paused, CancellationToken cancellationToken)
    {
        if (!paused && command.ConnectionId is null)
        {
            // A whole integration: one statement, not every sync read first (100,000 schedules after an outage, B10).
            // Nango's rules for all connections: the named (name, variant) pairs, those matching nothing ignored, none
            // matching at all its error.
            var integration = await _integrations.GetAsync(tenant.EnvironmentId, command.ProviderConfigKey, cancellationToken)
                ?? throw NangoErrors.UnknownProviderConfig();
            var syncs = command.Syncs.Count == 0 ? null : command.Syncs;
            // The scheduler is woken after each chunk that started something is committed: it queues the first while
            // the rest are started, and a tick that caught up with the start goes on with the next chunk. A start that
            // changed nothing has nothing to wake it for.
            return await _syncs.StartSchedulesOfIntegrationAsync(integration.Id, syncs, _wakeups.WakeSchedulersAsync, cancellationToken)
                ?? throw NangoErrors.NoSyncsFound();
        }

        var targets = await ResolveTargetsAsync(tenant, command, cancellationToken);
        var ids = targets.Select(t => t.Id).ToList();
        var change = await _syncs.SetScheduleStateAsync(ids, paused, Micros.Now(_timeProvider), cancellationToken);
        if (paused)
        {
            // The runs the pause cancelled, by id: a run of these syncs triggered since is not theirs to stop.
            _cancellations.Cancel(change.StoppedRunIds);
        }
        else
        {
            // Started schedules whose slot is past are due now: the scheduler queues them without waiting a tick.
            await _wakeups.WakeSchedulersAsync(cancellationToken);
        }

        return change.Changed;
    }

    /// <summary>Nango's resolution rules, except that a missing named sync applies nothing (Nango applies the earlier ones).</summary>
    public async Task<IReadOnlyList<SyncRow>> ResolveTargetsAsync(Tenant tenant, SyncCommand command, CancellationToken cancellationToken)
    {
        var integration = await _integrations.GetAsync(tenant.EnvironmentId, command.ProviderConfigKey, cancellationToken)
            ?? throw NangoErrors.UnknownProviderConfig();
        if (command.ConnectionId is { } connectionId)
        {
            var connection = await _connections.GetAsync(tenant.EnvironmentId, connectionId, command.ProviderConfigKey, cancellationToken)
                ?? throw NangoErrors.UnknownConnection(connectionId, command.ProviderConfigKey);
            var syncs = await _syncs.GetSyncsAsync(connection.Id, cancellationToken);
            if (command.Syncs.Count == 0)
            {
                return syncs;
            }

            var byIdentifier = syncs.ToDictionary(s => new SyncIdentifier(s.Name, s.Variant));
            var targets = new List<SyncRow>(command.Syncs.Count);
            foreach (var identifier in command.Syncs.Distinct())
            {
                if (!byIdentifier.TryGetValue(identifier, out var sync))
                {
                    throw NangoErrors.NoSyncsFound();
                }

                targets.Add(sync);
            }

            return targets;
        }

        var all = await _syncs.GetSyncsOfIntegrationAsync(integration.Id, command.Syncs.Count == 0 ? null : command.Syncs, null, cancellationToken);
        if (all.Count == 0)
        {
            throw NangoErrors.NoSyncsFound();
        }

        return all;
    }
}

/// <summary>What a sync command targets: an integration, optionally one connection, and sync identifiers (empty = all).</summary>
public sealed record SyncCommand(string ProviderConfigKey, string? ConnectionId, IReadOnlyList<SyncIdentifier> Syncs);

/// <summary>An idempotency key reserved for this request, and the answer to remember for it (status and body).</summary>
public sealed record RememberedAnswer(string Key, int Status, Func<TriggerResult, string> Render);

public sealed record TriggerResult(string? BatchId, IReadOnlyList<SyncRow> Targets, IReadOnlyList<TriggerOutcome> Outcomes);
