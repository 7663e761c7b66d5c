using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>
/// Executes one claimed run attempt: loads what it syncs, heartbeats its lease, empties the cache once per
/// trigger when asked, runs the function and records the outcome — every write fenced by the lease.
/// </summary>
public sealed class RunExecutor
{
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
        EngineOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
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
    }

    public async Task ExecuteAsync(ClaimedRun run, CancellationToken workerStopping)
    {
        var fence = new RunFence(run.RunId, run.LeaseToken);
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(workerStopping);
        _cancellations.Register(run.SyncId, runCancellation);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(fence, runCancellation, heartbeatStop.Token);
        try
        {
            await ExecuteCoreAsync(run, fence, runCancellation.Token);
        }
        catch (OperationCanceledException) when (workerStopping.IsCancellationRequested)
        {
            // Graceful shutdown: hand the run back so another worker resumes it from its checkpoint now,
            // not after the lease expires.
            await _runs.ReleaseAsync(fence, Micros.Now(_timeProvider), CancellationToken.None);
            _logger.LogInformation("Run {RunId} handed back to the queue on shutdown.", run.RunId);
        }
        catch (Exception ex) when (ex is LeaseLostException || (ex is OperationCanceledException && runCancellation.IsCancellationRequested))
        {
            // Cancelled, reset or taken over: its successor owns the sync now, so nothing more is written.
            _logger.LogInformation("Run {RunId} stopped: it no longer holds its lease.", run.RunId);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Run {RunId} failed.", run.RunId);
            await _completions.CompleteAsync(
                new RunCompletion(fence, run.SyncId, false, null, Describe(ex), Micros.Now(_timeProvider), null));
        }
        finally
        {
            _cancellations.Unregister(run.SyncId, runCancellation);
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    private async Task ExecuteCoreAsync(ClaimedRun run, RunFence fence, CancellationToken cancellationToken)
    {
        var target = await LoadAsync(run, cancellationToken);
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

        var completed = await _completions.CompleteAsync(
            new RunCompletion(fence, run.SyncId, true, counts.ToJson(), null, Micros.Now(_timeProvider), run.AttemptStartedAt));
        if (!completed)
        {
            throw new LeaseLostException($"Run {run.RunId} finished after losing its lease; its completion was refused.");
        }
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

    private async Task HeartbeatAsync(RunFence fence, CancellationTokenSource run, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(_options.HeartbeatInterval, _timeProvider, stop);
                var leaseMicros = Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
                if (!await _runs.HeartbeatAsync(fence.RunId, fence.LeaseToken, Micros.Now(_timeProvider), leaseMicros, stop))
                {
                    _logger.LogInformation("Run {RunId} lost its lease; cancelling it.", fence.RunId);
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
        catch (Exception ex)
        {
            // A database hiccup: the lease may still be valid; the fence protects writes if it is not.
            _logger.LogWarning(ex, "Heartbeat of run {RunId} failed.", fence.RunId);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        InvalidRecordsException or CheckpointConflictException or ArgumentException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
