using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Telemetry;
using Tributary.Core.Credentials;
using Tributary.Core.Webhooks;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>
/// Executes one claimed run attempt: loads what it syncs, heartbeats its lease, empties the cache once per
/// trigger when asked, runs the function and records the outcome — every write fenced by the lease.
/// </summary>
/// <remarks>
/// Each attempt keeps its log (<see cref="RunLog"/>: claim, batches, checkpoints, hand-backs, the end and why) and is
/// counted and traced (<see cref="TributaryMetrics"/>). A success's last lines are written in its completion's
/// transaction (<see cref="RunLog.SealAsync"/>) and other ends flush the log before their state is written, so whoever
/// sees the run finished can read how it ended.
/// Only the run's own errors fail it. A transient storage error (<see cref="ITransientErrors"/>) hands it back to
/// the queue after a backoff, and a shutdown hands it back at once; neither uses up an attempt.
/// </remarks>
public sealed class RunExecutor
{
    private static readonly TimeSpan HandBackFirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HandBackMaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReleaseFirstRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Retries of a finished run's completion before it goes back to the queue after all (about ten minutes with
    /// the backoff): a bound for an outage that a heartbeat survives but a completion never does.
    /// </summary>
    internal const int MaxCompletionRetries = 24;

    private readonly ISyncStore _syncs;
    private readonly IRunQueueStore _runs;
    private readonly RunCompletions _completions;
    private readonly IRecordStore _records;
    private readonly ICheckpointStore _checkpoints;
    private readonly SyncFunctionRegistry _functions;
    private readonly ProviderHttpClientFactory _httpClients;
    private readonly ConnectionCredentials _credentials;
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
    private readonly RunLogs? _runLogs;
    private readonly TributaryMetrics? _metrics;

    public RunExecutor(
        ISyncStore syncs,
        IRunQueueStore runs,
        RunCompletions completions,
        IRecordStore records,
        ICheckpointStore checkpoints,
        SyncFunctionRegistry functions,
        ProviderHttpClientFactory httpClients,
        ConnectionCredentials credentials,
        RunCancellations cancellations,
        IServiceScopeFactory scopes,
        ITransientErrors transient,
        SyncWebhooks webhooks,
        EngineOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        RunLogs? runLogs = null,
        TributaryMetrics? metrics = null)
    {
        _runLogs = runLogs;
        _metrics = metrics;
        _webhooks = webhooks;
        _syncs = syncs;
        _runs = runs;
        _completions = completions;
        _records = records;
        _checkpoints = checkpoints;
        _functions = functions;
        _httpClients = httpClients;
        _credentials = credentials;
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
        _cancellations.Register(run.RunId, runCancellation);
        using var heartbeatStop = new CancellationTokenSource();
        var leaseExpiresAt = run.AttemptStartedAt + Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
        var heartbeat = _heartbeat.RunAsync(fence, leaseExpiresAt, leaseLost, heartbeatStop.Token);
        var attempt = new AttemptFacts();
        var started = Stopwatch.GetTimestamp();
        var log = await OpenLogAsync(run, workerStopping);
        using var activity = _metrics?.ActivitySource.StartActivity("run", ActivityKind.Internal);
        activity?.SetTag("tributary.run_id", run.RunId);
        activity?.SetTag("tributary.attempt", run.Attempt);
        _metrics?.RunsClaimed.Add(1);
        var result = "handed_back";
        try
        {
            log.Info(string.Create(CultureInfo.InvariantCulture, $"Claimed: attempt {run.Attempt} (trigger: {run.TriggerSource}{(run.Reset ? ", reset" : string.Empty)}{(run.EmptyCache ? ", empty cache" : string.Empty)})."));
            await ExecuteCoreAsync(run, fence, log, attempt, runCancellation.Token);
            _handBacks.Forget(run.RunId);
            result = "succeeded";
        }
        catch (OperationCanceledException) when (workerStopping.IsCancellationRequested && !leaseLost.IsCancellationRequested)
        {
            // Graceful shutdown: hand the run back so another worker resumes it from its checkpoint now,
            // not after the lease expires.
            log.Warn("The worker is shutting down: the run goes back to the queue and resumes from its checkpoint.");
            await log.FlushAsync();
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
            log.Warn(ex is LeaseLostException
                ? $"Stopped: {ex.Message}"
                : "Stopped: the run no longer holds its lease (cancelled, reset, paused, or taken over after its lease expired).");
            result = "cancelled";
        }
        catch (Exception ex) when (_transient.IsTransient(ex))
        {
            await HandBackAsync(run, fence, ex, log, leaseLost.Token, workerStopping);
        }
        catch (Exception ex)
        {
            _handBacks.Forget(run.RunId);
            _logger.LogWarning(ex, "Run {RunId} failed.", run.RunId);
            log.Error($"Failed: {Describe(ex)}{Environment.NewLine}{WhereThrown(ex)}");
            await log.FlushAsync();
            await FailAsync(run, fence, ex, attempt);
            result = "failed";
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        }
        finally
        {
            _metrics?.RunFinished(result, Stopwatch.GetElapsedTime(started));
            activity?.SetTag("tributary.result", result);
            await log.FlushAsync();
            if (result == "cancelled")
            {
                await CloseStoppedLogAsync(fence);
            }

            _cancellations.Unregister(run.RunId, runCancellation);
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>
    /// A run stopped under its worker ended (cancelled) before its last lines were stored; now that they are, its log is
    /// closed, so a follower of it stops (<see cref="Services.RunLogService"/>). Failing that, the follower stops once
    /// the run has been finished for a lease's length.
    /// </summary>
    private async Task CloseStoppedLogAsync(RunFence fence)
    {
        try
        {
            await _runs.CloseStoppedLogAsync(fence, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Run {RunId} stopped, but closing its log failed; followers of its log stop after the lease duration.", fence.RunId);
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
    private async Task HandBackAsync(ClaimedRun run, RunFence fence, Exception error, RunLog log, CancellationToken leaseLost, CancellationToken workerStopping)
    {
        var failures = _handBacks.Record(run.RunId);
        var delay = Backoff.Delay(failures, HandBackFirstDelay, HandBackMaxDelay);
        log.Warn(string.Create(
            CultureInfo.InvariantCulture,
            $"Transient storage error ({failures} in a row): the run goes back to the queue in {delay.TotalSeconds:0.0} s and resumes from its checkpoint. {error.GetType().Name}: {error.Message}"));
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
            var jobType = attempt.Target is { } loaded ? RunJobTypes.Of(loaded.Config, loaded.Sync) : null;
            if (await _completions.CompleteAsync(new RunCompletion(fence, run.SyncId, false, null, description, now, null, webhooks, JobType: jobType)))
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

    private async Task<RunLog> OpenLogAsync(ClaimedRun run, CancellationToken cancellationToken)
    {
        if (_runLogs is null)
        {
            return RunLog.Off(run.RunId);
        }

        try
        {
            return await _runLogs.OpenAsync(run.RunId, SecretScrubber.None, cancellationToken, run.IsFirstClaim);
        }
        catch (OperationCanceledException)
        {
            return RunLog.Off(run.RunId);
        }
    }

    private async Task ExecuteCoreAsync(ClaimedRun run, RunFence fence, RunLog log, AttemptFacts attempt, CancellationToken cancellationToken)
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
            log.Info($"Emptied the cache of {string.Join(", ", models)}.");
        }

        var counts = new RunCounts(target.Config.Models, run.ResultJson);
        attempt.Counts = counts;
        // Refreshed first when the token expires within the provider's buffer; a refresh failure fails the run with
        // what the provider answered, and the stored credentials stay for a later retry.
        var credentials = target.Credentials is { } stored
            ? await _credentials.GetAsync(stored, CredentialDemand.Fresh, cancellationToken)
            : await _credentials.GetAsync(target.Connection.Id, CredentialDemand.Fresh, cancellationToken);
        log.UseScrubber(SecretScrubber.FromCredentials(credentials.Credentials.ToJsonString()));
        using var http = _httpClients.Create(credentials, target.Integration.BaseUrl, log, _metrics);
        var functionLogger = new RunLogLogger(log, _loggerFactory.CreateLogger($"Tributary.Functions.{target.Config.Function}"));
        var context = new EngineSyncContext(target, _records, _checkpoints, counts, http, functionLogger, _timeProvider, cancellationToken, log, _metrics, credentials.Provider?.Proxy.Paginate)
        {
            StoredConnectionConfig = credentials.ConnectionConfig,
        };
        log.Info($"Running function {target.Config.Function} for sync {target.Sync.Name} ({target.Sync.Variant}) of connection {target.Connection.ConnectionId}.");
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var function = _functions.Create(target.Config.Function, scope.ServiceProvider);
            await function.RunAsync(context, cancellationToken);
        }

        // Deprecated track_deletes: records of the sync's models not seen by this pass are soft-deleted.
        await context.FinishRunAsync(cancellationToken);

        log.Info($"Succeeded: {counts.ToJson()}");
        var webhooks = await _webhooks.SucceededAsync(target, counts, context.CheckpointChange, Micros.Now(_timeProvider), cancellationToken);

        // The lines not yet written go in the completion's transaction: whoever sees the run finished reads how it
        // ended, and a short run's log costs no write of its own. A completion that does not write them hands them on.
        var lines = await log.SealAsync();
        bool completed;
        try
        {
            completed = await CompleteWhileLeaseHoldsAsync(run, fence, counts, webhooks, lines, RunJobTypes.Of(target.Config, target.Sync), cancellationToken);
        }
        catch
        {
            log.WriteLater(lines);
            throw;
        }

        if (!completed)
        {
            log.WriteLater(lines);
            throw new LeaseLostException($"Run {run.RunId} finished after losing its lease; its completion was refused.");
        }

        _webhooks.Committed(webhooks);
    }

    /// <summary>
    /// Records the success, retrying a transient storage error (a full disk, a database restart) in place for as
    /// long as the lease holds: the heartbeat keeps the run, so nothing else can claim it meanwhile.
    /// </summary>
    /// <remarks>
    /// Handing the run back instead would run the function again after its final checkpoint: work, provider calls
    /// and records (a new generation, for a function that pages by checkpoint) that the trigger never asked for.
    /// When the lease is lost or the worker stops, the token ends the wait and the usual paths take over; after
    /// <see cref="MaxCompletionRetries"/> the error goes up and the run is handed back.
    /// </remarks>
    private async Task<bool> CompleteWhileLeaseHoldsAsync(
        ClaimedRun run, RunFence fence, RunCounts counts, IReadOnlyList<OutboxWebhook> webhooks, IReadOnlyList<RunLogLine> lines, string jobType, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await _completions.CompleteAsync(
                    new RunCompletion(fence, run.SyncId, true, counts.ToJson(), null, Micros.Now(_timeProvider), run.AttemptStartedAt, webhooks, lines, jobType));
            }
            catch (Exception ex) when (_transient.IsTransient(ex) && !cancellationToken.IsCancellationRequested && failures <= MaxCompletionRetries)
            {
                var delay = Backoff.Delay(failures, HandBackFirstDelay, HandBackMaxDelay);
                _logger.LogWarning(
                    "Run {RunId} finished, but recording its completion met a transient storage error ({Failures} in a row); retrying in {Delay:0.0} s while it holds its lease: {Error}",
                    run.RunId,
                    failures,
                    delay.TotalSeconds,
                    $"{ex.GetType().Name}: {ex.Message}");
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }

    private async Task<RunTarget> LoadAsync(ClaimedRun run, CancellationToken cancellationToken)
    {
        var loaded = await _syncs.GetSyncTargetAsync(run.SyncId, cancellationToken)
            ?? throw new InvalidOperationException($"Sync {run.SyncId} no longer exists (or its connection, integration or sync config is gone).");
        var (sync, connection, integration, config) = loaded;
        if (!config.Enabled)
        {
            throw new InvalidOperationException($"Sync is disabled: the sync config '{config.Name}' is no longer deployed.");
        }

        return new RunTarget(run, sync, connection, config, integration) { Credentials = loaded.Credentials };
    }

    /// <summary>The top frames of where the function threw (file and line when its symbols are there).</summary>
    private static string WhereThrown(Exception ex)
    {
        var frames = (ex.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return frames.Length == 0 ? "(no stack trace)" : string.Join(Environment.NewLine, frames.Take(5));
    }

    private static string Describe(Exception ex) => ex switch
    {
        InvalidRecordsException or CheckpointConflictException or ArgumentException or ConnectionRefreshException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>What an attempt learnt before it failed, for its failure webhook.</summary>
    private sealed class AttemptFacts
    {
        public RunTarget? Target { get; set; }

        public RunCounts? Counts { get; set; }
    }
}
