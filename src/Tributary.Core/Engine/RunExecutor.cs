using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Webhooks;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>
/// Executes one claimed run attempt: loads what it syncs, heartbeats its lease, empties the cache once per
/// trigger when asked, runs the function and records the outcome — every write fenced by the lease.
/// </summary>
/// <remarks>
/// Only the run's own errors fail it. A transient storage error (<see cref="ITransientErrors"/>) hands it back to
/// the queue after a backoff, and a shutdown hands it back at once; neither uses up an attempt.
/// </remarks>
public sealed class RunExecutor
{
    private static readonly TimeSpan HandBackFirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HandBackMaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReleaseFirstRetry = TimeSpan.FromMilliseconds(250);

    private readonly ISyncStore _syncs;
    private readonly IRunQueueStore _runs;
    private readonly RunCompletions _completions;
    private readonly IRecordStore _records;
    private readonly ICheckpointStore _checkpoints;
    private readonly SyncFunctionRegistry _functions;
    private readonly ProviderHttpClientFactory _httpClients;
    private readonly CredentialProtector _protector;
    private readonly RunCancellations _cancellations;
    private readonly IServiceScopeFactory _scopes;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<RunExecutor> _logger;
    private readonly ITransientErrors _transient;
    private readonly LeaseHeartbeat _heartbeat;
    private readonly SyncWebhooks _webhooks;
    private readonly TransientHandBacks _handBacks = new();

    public RunExecutor(
        ISyncStore syncs,
        IRunQueueStore runs,
        RunCompletions completions,
        IRecordStore records,
        ICheckpointStore checkpoints,
        SyncFunctionRegistry functions,
        ProviderHttpClientFactory httpClients,
        CredentialProtector protector,
        RunCancellations cancellations,
        IServiceScopeFactory scopes,
        ITransientErrors transient,
        SyncWebhooks webhooks,
        EngineOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _webhooks = webhooks;
        _syncs = syncs;
        _runs = runs;
        _completions = completions;
        _records = records;
        _checkpoints = checkpoints;
        _functions = functions;
        _httpClients = httpClients;
        _protector = protector;
        _cancellations = cancellations;
        _scopes = scopes;
        _options = options;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RunExecutor>();
        _transient = transient;
        _heartbeat = new LeaseHeartbeat(runs, options, timeProvider, _logger);
    }

    public async Task ExecuteAsync(ClaimedRun run, CancellationToken workerStopping)
    {
        var fence = new RunFence(run.RunId, run.LeaseToken);
        using var leaseLost = new CancellationTokenSource();
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(workerStopping, leaseLost.Token);
        _cancellations.Register(run.SyncId, runCancellation);
        using var heartbeatStop = new CancellationTokenSource();
        var leaseExpiresAt = run.AttemptStartedAt + Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
        var heartbeat = _heartbeat.RunAsync(fence, leaseExpiresAt, leaseLost, heartbeatStop.Token);
        var attempt = new AttemptFacts();
        try
        {
            await ExecuteCoreAsync(run, fence, attempt, runCancellation.Token);
            _handBacks.Forget(run.RunId);
        }
        catch (OperationCanceledException) when (workerStopping.IsCancellationRequested && !leaseLost.IsCancellationRequested)
        {
            // Graceful shutdown: hand the run back so another worker resumes it from its checkpoint now,
            // not after the lease expires.
            if (await ReleaseAsync(fence, leaseLost.Token))
            {
                _logger.LogInformation("Run {RunId} handed back to the queue on shutdown.", run.RunId);
            }
        }
        catch (Exception ex) when (ex is LeaseLostException || (ex is OperationCanceledException && runCancellation.IsCancellationRequested))
        {
            // Cancelled, reset or taken over: its successor owns the sync now, so nothing more is written.
            _handBacks.Forget(run.RunId);
            _logger.LogInformation("Run {RunId} stopped: it no longer holds its lease.", run.RunId);
        }
        catch (Exception ex) when (_transient.IsTransient(ex))
        {
            await HandBackAsync(run, fence, ex, leaseLost.Token, workerStopping);
        }
        catch (Exception ex)
        {
            _handBacks.Forget(run.RunId);
            _logger.LogWarning(ex, "Run {RunId} failed.", run.RunId);
            await FailAsync(run, fence, ex, attempt);
        }
        finally
        {
            _cancellations.Unregister(run.SyncId, runCancellation);
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>
    /// A storage failure is not the run's fault: after a backoff (lease held, heartbeating) the run goes back to
    /// the queue with its attempt unused, and resumes from its checkpoint.
    /// </summary>
    /// <remarks>
    /// Waiting before the release, rather than releasing with a "not before" time, needs no schema: no worker of
    /// any process can claim the run while this one holds its lease.
    /// </remarks>
    private async Task HandBackAsync(ClaimedRun run, RunFence fence, Exception error, CancellationToken leaseLost, CancellationToken workerStopping)
    {
        var failures = _handBacks.Record(run.RunId);
        var delay = Backoff.Delay(failures, HandBackFirstDelay, HandBackMaxDelay);
        _logger.LogWarning(
            "Run {RunId} met a transient storage error ({Failures} in a row); it goes back to the queue in {Delay:0.0} s and resumes from its checkpoint: {Error}",
            run.RunId,
            failures,
            delay.TotalSeconds,
            $"{error.GetType().Name}: {error.Message}");
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(leaseLost, workerStopping);
        try
        {
            await Task.Delay(delay, _timeProvider, waiting.Token);
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            _logger.LogInformation("Run {RunId} lost its lease while waiting to go back to the queue.", run.RunId);
            return;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: hand it back now.
        }

        if (await ReleaseAsync(fence, leaseLost))
        {
            _logger.LogInformation("Run {RunId} is back in the queue after a transient storage error.", run.RunId);
        }
    }

    /// <summary>Hands the run back, retrying while its lease holds; false when the lease ran out first.</summary>
    private async Task<bool> ReleaseAsync(RunFence fence, CancellationToken leaseLost)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await _runs.ReleaseAsync(fence, Micros.Now(_timeProvider), leaseLost);
                return true;
            }
            catch (Exception ex) when (!leaseLost.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Handing run {RunId} back to the queue failed; retrying while its lease holds.", fence.RunId);
            }

            try
            {
                await Task.Delay(Backoff.Delay(failures, ReleaseFirstRetry, _options.HeartbeatInterval / 2), _timeProvider, leaseLost);
            }
            catch (OperationCanceledException)
            {
                // The heartbeat gave the lease up: the reaper re-queues the run.
                _logger.LogWarning("Run {RunId} could not be handed back before its lease expired; the reaper re-queues it.", fence.RunId);
                return false;
            }
        }
    }

    private async Task FailAsync(ClaimedRun run, RunFence fence, Exception error, AttemptFacts attempt)
    {
        try
        {
            var description = Describe(error);
            var now = Micros.Now(_timeProvider);

            // A run that failed before its target loaded (its sync is gone) has nobody to report to.
            var webhooks = attempt.Target is { } target && attempt.Counts is { } counts
                ? await _webhooks.FailedAsync(target, counts, description, now, CancellationToken.None)
                : null;
            if (await _completions.CompleteAsync(new RunCompletion(fence, run.SyncId, false, null, description, now, null, webhooks)))
            {
                _webhooks.Committed(webhooks);
            }
        }
        catch (Exception ex)
        {
            // Nothing was written: the lease expires and the reaper re-queues the run.
            _logger.LogWarning(ex, "Recording the failure of run {RunId} failed; its lease will expire.", run.RunId);
        }
    }

    private async Task ExecuteCoreAsync(ClaimedRun run, RunFence fence, AttemptFacts attempt, CancellationToken cancellationToken)
    {
        var target = await LoadAsync(run, cancellationToken);
        attempt.Target = target;
        if (run.EmptyCache && !run.EmptyCacheDone)
        {
            var models = target.Config.Models.Select(target.FullModelName).ToList();
            if (!await _records.EmptyForRunAsync(fence, target.Connection.Id, models, Micros.Now(_timeProvider), cancellationToken))
            {
                throw new LeaseLostException($"Run {run.RunId} lost its lease before emptying the cache.");
            }

            _logger.LogInformation("Run {RunId} emptied the cache of {Models}.", run.RunId, string.Join(", ", models));
        }

        var counts = new RunCounts(target.Config.Models, run.ResultJson);
        attempt.Counts = counts;
        string credentials;
        try
        {
            credentials = _protector.Unprotect(target.Connection.EncryptedCredentials);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException(
                "Cannot decrypt the connection's credentials: this process's encryption key is not the one that stored them. "
                + "Processes sharing a database must share TRIBUTARY_ENCRYPTION_KEY (or one data folder).");
        }

        using var http = _httpClients.Create(target.Integration.BaseUrl, credentials);
        var functionLogger = _loggerFactory.CreateLogger($"Tributary.Functions.{target.Config.Function}");
        var context = new EngineSyncContext(target, _records, _checkpoints, counts, http, functionLogger, _timeProvider, cancellationToken);
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var function = _functions.Create(target.Config.Function, scope.ServiceProvider);
            await function.RunAsync(context, cancellationToken);
        }

        // Deprecated track_deletes: records of the sync's models not seen by this pass are soft-deleted.
        await context.FinishRunAsync(cancellationToken);

        var now = Micros.Now(_timeProvider);
        var webhooks = await _webhooks.SucceededAsync(target, counts, context.CheckpointChange, now, cancellationToken);
        var completed = await _completions.CompleteAsync(
            new RunCompletion(fence, run.SyncId, true, counts.ToJson(), null, now, run.AttemptStartedAt, webhooks));
        if (!completed)
        {
            throw new LeaseLostException($"Run {run.RunId} finished after losing its lease; its completion was refused.");
        }

        _webhooks.Committed(webhooks);
    }

    private async Task<RunTarget> LoadAsync(ClaimedRun run, CancellationToken cancellationToken)
    {
        var (sync, connection, integration, config) = await _syncs.GetSyncTargetAsync(run.SyncId, cancellationToken)
            ?? throw new InvalidOperationException($"Sync {run.SyncId} no longer exists (or its connection, integration or sync config is gone).");
        if (!config.Enabled)
        {
            throw new InvalidOperationException($"Sync is disabled: the sync config '{config.Name}' is no longer deployed.");
        }

        return new RunTarget(run, sync, connection, config, integration);
    }

    private static string Describe(Exception ex) => ex switch
    {
        InvalidRecordsException or CheckpointConflictException or ArgumentException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>What an attempt learnt before it failed, for its failure webhook.</summary>
    private sealed class AttemptFacts
    {
        public RunTarget? Target { get; set; }

        public RunCounts? Counts { get; set; }
    }
}
