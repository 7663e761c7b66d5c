using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The durable run queue on SQLite and PostgreSQL; see <see cref="IRunQueueStore"/>.</summary>
internal sealed class SqlRunQueueStore : IRunQueueStore
{
    /// <summary>
    /// A run whose attempts ended this many times in a row without committing anything (no record batch, no
    /// checkpoint) is failed instead of re-queued: a poison run must not loop. An attempt that made progress does
    /// not count and starts the count again, so a few unlucky crashes spread over a long run never add up.
    /// </summary>
    internal const int MaxStalledAttempts = 5;

    /// <summary>
    /// The ceiling on all attempts, progress or not: a function that saves one batch and then takes its process
    /// down every time must still stop.
    /// </summary>
    internal const int MaxAttempts = 100;

    private const string ReleaseSql = $"""
        UPDATE runs SET
            state = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN '{SqlStates.Failed}' ELSE '{SqlStates.Queued}' END,
            finished_at = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN @now ELSE NULL END,
            error = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}')
                THEN 'Interrupted by a worker shutdown; the queued run of the same sync continues from the checkpoint.' ELSE error END,
            attempt = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN attempt ELSE attempt - 1 END,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'
        RETURNING state
        """;

    private const string StalledError =
        "The run's lease expired (its worker stopped or crashed) on too many attempts in a row that saved nothing; giving up.";

    private const string CeilingError = "The run's lease expired on its last allowed attempt (its worker stopped or crashed); giving up.";

    private const string FollowUpError = "The run's lease expired (its worker stopped or crashed); a queued run of the same sync takes over.";

    /// <summary>
    /// Ends an expired lease, deciding in the statement itself: failed when the run is poison (too many attempts
    /// without progress, or the ceiling) or a follow-up is already queued (it resumes from the same checkpoint),
    /// otherwise back to the queue.
    /// </summary>
    private const string ReapSetSql = $"""
        stalled_attempts = CASE WHEN progress = 0 THEN stalled_attempts + 1 ELSE 0 END,
        state = CASE WHEN stalled_attempts + CASE WHEN progress = 0 THEN 1 ELSE 0 END >= @maxStalled OR attempt >= @maxAttempts
                  OR EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}')
                THEN '{SqlStates.Failed}' ELSE '{SqlStates.Queued}' END,
        finished_at = CASE WHEN stalled_attempts + CASE WHEN progress = 0 THEN 1 ELSE 0 END >= @maxStalled OR attempt >= @maxAttempts
                  OR EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}')
                THEN @now ELSE NULL END,
        error = CASE WHEN stalled_attempts + CASE WHEN progress = 0 THEN 1 ELSE 0 END >= @maxStalled THEN @stalledError
                WHEN attempt >= @maxAttempts THEN @ceilingError
                WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN @followUpError
                ELSE error END,
        lease_owner = NULL, lease_expires_at = NULL
        """;

    /// <summary>The fallback when a follow-up was queued concurrently: this run ends, the follow-up takes over.</summary>
    private const string ReapFailOneSql = $"""
        UPDATE runs SET state = '{SqlStates.Failed}', finished_at = @now, error = @followUpError,
            stalled_attempts = CASE WHEN progress = 0 THEN stalled_attempts + 1 ELSE 0 END, lease_owner = NULL, lease_expires_at = NULL
        WHERE id = @id AND state = '{SqlStates.Running}'
        """;

    private const string ClaimColumns =
        "id, lease_token, sync_id, attempt, reset, empty_cache, empty_cache_done, trigger_source, attempt_started_at, result";

    private readonly Database _database;
    private readonly SqlDialect _dialect;

    // Built once: the claim runs on every wake-up of every worker, the scheduler insert on every batch.
    private readonly string _claimSql;
    private readonly string _enqueueDueSql;
    private readonly string _resetCancelSql;
    private readonly string _resetClearDateSql;
    private readonly string _resetClearCheckpointsSql;
    private readonly string _queuedOfSql;
    private readonly string _triggerSql;
    private readonly string _reapSelectSql;
    private readonly string _reapAllSql;
    private readonly string _reapOneSql;
    private readonly string _heartbeatSql;
    private readonly string _logAppendSql;

    private readonly IEndedRunWebhooks? _endedRunWebhooks;

    /// <param name="endedRunWebhooks">The failure webhooks of the runs the reaper fails, written in its transaction; none when null.</param>
    public SqlRunQueueStore(Database database, IEndedRunWebhooks? endedRunWebhooks = null)
    {
        _database = database;
        _endedRunWebhooks = endedRunWebhooks;
        _dialect = database.Dialect;
        _claimSql = ClaimSql(_dialect);
        _enqueueDueSql = EnqueueDueSql(database);
        _logAppendSql = SqlRunLogStore.AppendSql(_dialect);
        _resetCancelSql = $"""
            UPDATE runs SET state = '{SqlStates.Cancelled}', finished_at = @now, lease_expires_at = NULL,
                error = 'Cancelled: the sync was reset by a trigger'
            WHERE state = '{SqlStates.Running}' AND {_dialect.InList("sync_id", "ids")}
            RETURNING sync_id, id
            """;
        _resetClearDateSql = $"UPDATE syncs SET last_sync_date = NULL WHERE {_dialect.InList("id", "ids")}";

        // Exactly the sync's key and its own track-deletes windows: never a bare prefix, which would also
        // hit a sibling variant (v1 vs v10) the way Nango's LIKE does.
        _resetClearCheckpointsSql = $"""
            DELETE FROM checkpoints WHERE EXISTS (
                SELECT 1 FROM syncs s
                WHERE {_dialect.InList("s.id", "ids")}
                  AND checkpoints.connection_id = s.connection_id
                  AND (checkpoints.key = 'sync:' || s.name || ':' || s.variant
                       OR substr(checkpoints.key, 1, length('sync:' || s.name || ':' || s.variant || ':trackDeletes:'))
                          = 'sync:' || s.name || ':' || s.variant || ':trackDeletes:'))
            """;
        _queuedOfSql = $"SELECT sync_id FROM runs WHERE state = '{SqlStates.Queued}' AND {_dialect.InList("sync_id", "ids")}";

        // A trigger queues one run per sync, or coalesces into the queued one (its flags OR-ed in).
        _triggerSql = $"""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
            SELECT l.value, '{SqlStates.Queued}', '{SqlStates.ApiSource}', @initiator, @reset, @empty, 0, @batch, 0, 0, @now FROM {_dialect.ListRows("ids")} WHERE true
            ON CONFLICT (sync_id) WHERE state = '{SqlStates.Queued}' DO UPDATE
                SET reset = {_dialect.Greatest("runs.reset", "excluded.reset")}, empty_cache = {_dialect.Greatest("runs.empty_cache", "excluded.empty_cache")}
            RETURNING sync_id, id, {_dialect.InsertedColumn}
            """;

        var expired = $"state = '{SqlStates.Running}' AND lease_expires_at <= {_dialect.LeaseNowMicros}";
        _reapSelectSql = $"SELECT id FROM runs WHERE {expired} ORDER BY lease_expires_at {_dialect.Limit("limit")} {_dialect.SkipLocked}";
        _reapAllSql = $"""
            UPDATE runs SET {ReapSetSql}
            WHERE {expired} AND id IN ({_reapSelectSql})
            RETURNING id, state
            """;
        _reapOneSql = $"UPDATE runs SET {ReapSetSql} WHERE id = @id AND {expired} RETURNING id, state";
        _heartbeatSql = $"""
            UPDATE runs SET lease_expires_at = {_dialect.LeaseNowMicros} + @lease
            WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'
            """;
    }

    /// <remarks>
    /// On PostgreSQL the trigger's rows can deadlock with another writer that locks the same syncs in another order (a
    /// scheduler pass, a cascade): the database then aborts one of the two whole. The trigger's transaction is run
    /// again, up to <see cref="MaxTriggerAttempts"/> times, rather than answering a 500 for a conflict nobody caused.
    /// </remarks>
    public async Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return [];
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyTriggerOnceAsync(targets, request, cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxTriggerAttempts && _dialect.IsAbortedToBreakAConflict(ex))
            {
                // Nothing of the aborted transaction was applied (its idempotent answer included): run it again.
            }
        }
    }

    /// <summary>How many times a trigger's transaction is run when the database aborts it to break a deadlock.</summary>
    internal const int MaxTriggerAttempts = 4;

    private async Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerOnceAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken)
    {

        var syncIds = targets.Select(t => t.Id).ToList();
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        // Sync id -> the running run the reset cancelled (one at most per sync): the caller stops that run, by id.
        var restarted = new Dictionary<string, long>(StringComparer.Ordinal);
        if (request.Reset)
        {
            await using (var command = connection.Command(_resetCancelSql, transaction).With("now", request.Now).WithList(_dialect, "ids", syncIds))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    restarted.Add(reader.GetString(0), reader.GetInt64(1));
                }
            }

            await using (var command = connection.Command(_resetClearDateSql, transaction).WithList(_dialect, "ids", syncIds))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = connection.Command(_resetClearCheckpointsSql, transaction).WithList(_dialect, "ids", syncIds))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var inserted = await _dialect.DetectInsertsAsync(
            connection, transaction, _queuedOfSql, command => command.WithList(_dialect, "ids", syncIds), cancellationToken);
        var outcomes = new List<TriggerOutcome>(targets.Count);
        await using (var command = connection.Command(_triggerSql, transaction))
        {
            AddTriggerParameters(command, request).WithList(_dialect, "ids", syncIds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var syncId = reader.GetString(0);
                var stopped = restarted.TryGetValue(syncId, out var runId) ? runId : (long?)null;
                outcomes.Add(new TriggerOutcome(syncId, reader.GetInt64(1), Classify(stopped is not null, inserted.WasInserted(reader, 2, syncId)), stopped));
            }
        }

        if (request.Idempotency is { } answer)
        {
            await SqlIdempotencyStore.CompleteAsync(
                connection, transaction, answer.EnvironmentId, answer.Key, answer.Status, answer.Render(outcomes), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    private static DbCommand AddTriggerParameters(DbCommand command, TriggerRequest request) =>
        command.With("initiator", request.Initiator)
            .With("reset", request.Reset ? 1L : 0L)
            .With("empty", request.EmptyCache ? 1L : 0L)
            .With("batch", request.BatchId)
            .With("now", request.Now);

    private static string Classify(bool restarted, bool inserted) =>
        restarted ? TriggerOutcomes.Restarted
        : inserted ? TriggerOutcomes.Queued
        : TriggerOutcomes.Coalesced;

    public async Task<int> EnqueueDueAsync(long now, int limit, CancellationToken cancellationToken)
    {
        // The idle tick (nothing due, every second) is one indexed read and nothing else: no write slot (SQLite's one
        // writer), no transaction, no lock. A schedule that becomes due just after it waits for the next tick.
        if (!await AnyDueAsync(now, cancellationToken))
        {
            return 0;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;

        // A batch commits without waiting for the disk: a lost batch leaves its schedules due (see the dialect).
        await using var relaxed = await _dialect.RelaxCommitBeforeBeginAsync(connection, cancellationToken);
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);

        // One scheduler at a time across processes; the others skip this tick instead of waiting.
        if (!await _dialect.TryLockForTransactionAsync(connection, transaction, AdvisoryLock.Scheduler, cancellationToken))
        {
            return 0;
        }

        await _dialect.RelaxCommitInTransactionAsync(connection, transaction, cancellationToken);

        // PostgreSQL: half of the batch goes to a second transaction on another connection, at the same time (each
        // takes its rows with SKIP LOCKED, so the two never pick the same schedule). A batch is CPU work in its
        // backend; two backends use both cores of a small host. Measured on 50,000 due schedules: 1.7-2.7 s in two
        // transactions at a time against 2.3-4.9 s in one, alternated. It runs under this transaction's lock.
        var share = _dialect.WritersRunSideBySide ? limit / 2 : 0;
        var second = share > 0 ? SecondBatchAsync(now, share, cancellationToken) : Task.FromResult(0);
        int processed;
        try
        {
            processed = await BatchAsync(connection, transaction, now, limit - share, cancellationToken);
        }
        catch
        {
            await Task.WhenAny(second);
            throw;
        }

        var alongside = await second;
        if (processed > 0)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return processed + alongside;
    }

    private async Task<int> SecondBatchAsync(long now, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await _dialect.RelaxCommitInTransactionAsync(connection, transaction, cancellationToken);
        var processed = await BatchAsync(connection, transaction, now, limit, cancellationToken);
        if (processed > 0)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return processed;
    }

    private async Task<int> BatchAsync(DbConnection connection, DbTransaction transaction, long now, int limit, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(_enqueueDueSql, transaction).With("now", now).With("limit", (long)limit);
        return (await SqlRows.ReadAllAsync<long>(command, _ => row => 1, cancellationToken)).Count;
    }

    private async Task<bool> AnyDueAsync(long now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var anyDue = connection.Command(AnyDueSql).With("now", now);
        return await anyDue.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Whether any STARTED schedule is due: the idle tick's only statement.</summary>
    /// <remarks>
    /// The <c>ORDER BY</c> pins the plan to the due index whatever the statistics say. Without it, statistics taken
    /// while every schedule was due (a mass start, before the burst advanced them) made PostgreSQL expect the first
    /// row at once and scan the whole table instead, finding nothing: 12.7 ms per idle tick over 100,000 schedules
    /// until the next ANALYZE, against well under 1 ms through the index.
    /// </remarks>
    internal const string AnyDueSql =
        $"SELECT 1 FROM syncs WHERE schedule_state = '{SqlStates.Started}' AND next_due_at <= @now ORDER BY next_due_at, id LIMIT 1";

    /// <summary>The due STARTED schedules of one batch, oldest first (the id breaks ties, so that repeats agree); also explained by a plan test.</summary>
    internal static string DueSql(SqlDialect dialect) =>
        $"SELECT id FROM syncs WHERE schedule_state = '{SqlStates.Started}' AND next_due_at <= @now ORDER BY next_due_at, id {dialect.Limit("limit")}";

    /// <summary>The due read of a batch: on PostgreSQL it locks its rows and skips those a concurrent batch took.</summary>
    private static string LockingDueSql(SqlDialect dialect) => $"{DueSql(dialect)} {dialect.SkipLocked}";

    /// <summary>
    /// The insert of <see cref="EnqueueDueAsync"/>: a run for each due sync that has none queued or running.
    /// </summary>
    /// <remarks>
    /// <para>
    /// One lookup per state, each in its partial unique index (one row per sync at most). A single
    /// <c>state IN (queued, running)</c> made PostgreSQL scan every run ever recorded for each batch, and SQLite walk
    /// each sync's whole run history: a burst of 100,000 schedules took a second per 1,000.
    /// </para>
    /// <para>
    /// PostgreSQL: the queued check is the insert's own conflict check on <c>runs_one_queued</c>
    /// (<c>ON CONFLICT … DO NOTHING</c>), not a <c>NOT EXISTS</c>. The planner turned the <c>NOT EXISTS</c> into an
    /// anti-join shaped by the statistics, and statistics taken while no run was queued (after a drain, before a mass
    /// start) made it read the whole queued index once per due schedule — quadratic during a burst, as each batch
    /// queues 1,000 more: one batch took 11.8 s with 20,000 runs queued (a scalar subquery instead picked the other
    /// index of queued runs, <c>runs_claimable</c>, and filtered it the same way). The conflict check is always a
    /// lookup by key in that index, whatever the statistics. The running check stays a <c>NOT EXISTS</c>: at most one
    /// running run per worker slot, so even its worst plan reads a few entries.
    /// </para>
    /// </remarks>
    private static string InsertDueSql(SqlDialect dialect) => $"""
        INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
        SELECT due.id, '{SqlStates.Queued}', '{SqlStates.ScheduleSource}', 'scheduler', 0, 0, 0, 0, 0, @now FROM due
        WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.sync_id = due.id AND r.state = '{SqlStates.Running}')
          {dialect.UnlessQueuedFilter("due.id")}
        {dialect.UnlessQueuedConflict}
        """;

    /// <summary>The next slot on the grid anchored at the schedule's start: no drift, and missed slots are skipped.</summary>
    private const string AdvanceDueSql = """
        UPDATE syncs SET next_due_at = starts_at + ((@now - starts_at) / (frequency_ms * 1000) + 1) * (frequency_ms * 1000)
        WHERE id IN (SELECT id FROM due)
        RETURNING 1
        """;

    /// <summary>One scheduler batch (<see cref="SqlDialect.SchedulerBatch"/>): queue the due runs and advance their schedules.</summary>
    internal static string EnqueueDueSql(Database database) => database.Dialect.SchedulerBatch(LockingDueSql(database.Dialect), InsertDueSql(database.Dialect), AdvanceDueSql);

    /// <summary>The insert of a scheduler batch alone, with its <c>due</c> set: what the plan test explains.</summary>
    internal static string EnqueueDueInsertSql(SqlDialect dialect) => $"WITH due AS ({DueSql(dialect)}) {InsertDueSql(dialect)}";

    /// <summary>The claim statement of <see cref="ClaimAsync"/> (also planned by the benchmark and a test).</summary>
    /// <remarks>
    /// SQLite's planner, left alone, scans every run (finished ones too) for the NOT EXISTS guard; the partial
    /// index of queued runs in id order lets the claim stop after @max candidates, whatever the history.
    /// </remarks>
    internal static string ClaimSql(SqlDialect dialect) => $"""
        UPDATE runs SET state = '{SqlStates.Running}', lease_owner = @owner, lease_token = lease_token + 1,
            lease_expires_at = {dialect.LeaseNowMicros} + @lease, progress = 0,
            attempt = attempt + 1, attempt_started_at = @now, started_at = COALESCE(started_at, @now)
        WHERE id IN (
            SELECT q.id FROM runs q {dialect.IndexedBy("runs_claimable")}
            WHERE q.state = '{SqlStates.Queued}'
              AND NOT EXISTS (SELECT 1 FROM runs x WHERE x.sync_id = q.sync_id AND x.state = '{SqlStates.Running}')
            ORDER BY q.id
            {dialect.Limit("max")}
            {dialect.SkipLocked})
        RETURNING {ClaimColumns}
        """;

    public async Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;

        // SQLite: the claim commits without waiting for the disk; the dialect says why that is safe there and not on PostgreSQL.
        await using var relaxed = await _dialect.RelaxClaimCommitBeforeBeginAsync(connection, cancellationToken);
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        List<ClaimedRun> claimed;
        try
        {
            claimed = await _dialect.ReadHotAsync(
                connection,
                transaction,
                _claimSql,
                [("owner", owner), ("lease", leaseMicros), ("now", now), ("max", (long)max)],
                ReadClaim,
                cancellationToken);

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (_dialect.IsRacingUniqueViolation(ex))
        {
            // Two claimers raced for runs of one sync (the follow-up was claimed just as its predecessor
            // returned to the queue): the index refused the second; claim again on the next wake-up.
            return [];
        }

        return claimed;
    }

    public async Task<bool> HeartbeatAsync(long runId, long leaseToken, long now, long leaseMicros, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command(_heartbeatSql)
            .With("now", now).With("lease", leaseMicros).With("id", runId).With("token", leaseToken);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<RunCompletion> completions, CancellationToken cancellationToken)
    {
        var completed = new bool[completions.Count];
        if (completions.Count == 0)
        {
            return completed;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var finish = connection.Command($"""
            UPDATE runs SET state = @state, finished_at = @now, result = COALESCE(@result, result), error = @error, lease_owner = NULL, lease_expires_at = NULL,
                job_type = COALESCE(@jobType, job_type)
            WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'
            """, transaction);
        DbParameter state = finish.Parameter("state"), now = finish.Parameter("now"), result = finish.Parameter("result"),
            error = finish.Parameter("error"), id = finish.Parameter("id"), token = finish.Parameter("token"), jobType = finish.Parameter("jobType");
        await using var lastSync = connection.Command("UPDATE syncs SET last_sync_date = @date WHERE id = @id", transaction);
        DbParameter date = lastSync.Parameter("date"), syncId = lastSync.Parameter("id");
        await using var outbox = new WebhookOutbox(connection, transaction, _dialect);
        List<RunLogLine>? logLines = null;
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            state.Value = completion.Succeeded ? SqlStates.Succeeded : SqlStates.Failed;
            now.Value = completion.Now;
            result.Value = (object?)completion.ResultJson ?? DBNull.Value;
            error.Value = (object?)completion.Error ?? DBNull.Value;
            jobType.Value = (object?)completion.JobType ?? DBNull.Value;
            id.Value = completion.Fence.RunId;
            token.Value = completion.Fence.LeaseToken;

            // A lost lease writes nothing for that run; the others in the batch are unaffected.
            var written = await finish.ExecuteNonQueryAsync(cancellationToken) == 1;
            completed[i] = written || await AlreadyCommittedAsync(connection, transaction, completion, cancellationToken);
            if (written && completion.Succeeded && completion.LastSyncDate is { } lastSyncDate)
            {
                date.Value = lastSyncDate;
                syncId.Value = completion.SyncId;
                await lastSync.ExecuteNonQueryAsync(cancellationToken);
            }

            // The outbox rows commit with the completion they report; a refused completion writes none.
            if (written && completion.Webhooks is { Count: > 0 } webhooks)
            {
                outbox.Add(completion.Fence.RunId, webhooks, completion.Now);
            }

            // So are the run's last log lines (see RunLog.SealAsync): durable with the state that says it ended.
            if (written && completion.LogLines is { Count: > 0 } lines)
            {
                (logLines ??= []).AddRange(lines);
            }
        }

        await outbox.FlushAsync(cancellationToken);
        if (logLines is not null)
        {
            await _dialect.ExecuteRowsAsync(connection, transaction, _logAppendSql, SqlRunLogStore.Rows(logLines), static _ => { }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return completed;
    }

    /// <summary>
    /// Whether this very completion was committed by an earlier try whose answer was lost (the connection broke during
    /// the commit, and the batch was tried again): the run ended in the completion's state under the same lease, at the
    /// completion's own time (to the microsecond), with its error. Nothing else writes that: the reaper and a hand-back
    /// end a run failed at their own time with their own error, a cancel ends it cancelled. The completion's webhooks
    /// and log lines committed with it and are not written twice. Read only when the fenced update found nothing to change.
    /// </summary>
    private static async Task<bool> AlreadyCommittedAsync(DbConnection connection, DbTransaction transaction, RunCompletion completion, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("""
            SELECT 1 FROM runs WHERE id = @id AND lease_token = @token AND state = @state AND finished_at = @now AND COALESCE(error, '') = @error
            """, transaction)
            .With("id", completion.Fence.RunId).With("token", completion.Fence.LeaseToken).With("now", completion.Now)
            .With("state", completion.Succeeded ? SqlStates.Succeeded : SqlStates.Failed).With("error", completion.Error ?? string.Empty);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <remarks>
    /// A released run was not at fault, so its attempt is given back (the next claim counts it again): a rolling
    /// deploy or a database blip must never bring a run closer to the poison limit.
    /// </remarks>
    public async Task ReleaseAsync(RunFence fence, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        object? state;
        await using (var command = connection.Command(ReleaseSql, transaction).With("now", now).With("id", fence.RunId).With("token", fence.LeaseToken))
        {
            state = await command.ExecuteScalarAsync(cancellationToken);
        }

        // Handed back while a follow-up of its sync is queued, the run ends failed (the follow-up resumes from its
        // checkpoint): it reports that failure as the reaper's same ending does, in the same transaction.
        var webhooks = state is SqlStates.Failed
            && await EndedRunOutbox.AddAsync(_endedRunWebhooks, _dialect, connection, transaction, [fence.RunId], now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (webhooks)
        {
            _endedRunWebhooks!.Committed();
        }
    }

    /// <remarks>
    /// A cancel leaves the lease owner of the run it stopped (it says the run was running, see <see cref="StoppedRuns"/>);
    /// every other way a claimed run ends or goes back to the queue clears it in the same statement. So a finished run
    /// with an owner is one whose worker may still be writing its last lines, until this clears it.
    /// </remarks>
    public async Task CloseStoppedLogAsync(RunFence fence, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command(
            "UPDATE runs SET lease_owner = NULL WHERE id = @id AND lease_token = @token AND finished_at IS NOT NULL AND lease_owner IS NOT NULL")
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var requeued = new List<long>();
        var failed = new List<long>();
        await transaction.SaveAsync(ReapSavepoint, cancellationToken);
        try
        {
            await using var all = AddReapParameters(connection.Command(_reapAllSql, transaction), now).With("limit", (long)limit);
            await ReadReapedAsync(all, requeued, failed, cancellationToken);
        }
        catch (Exception ex) when (_dialect.IsRacingUniqueViolation(ex))
        {
            // A trigger queued a follow-up for one of these syncs after this statement's snapshot: its index entry
            // refused our re-queue. Run by run instead, so that one race ends one run, not the whole batch.
            await transaction.RollbackAsync(ReapSavepoint, cancellationToken);
            requeued.Clear();
            failed.Clear();
            await ReapOneByOneAsync(connection, transaction, now, limit, requeued, failed, cancellationToken);
        }

        // A run the reaper gives up on reports its failure as Nango does on an expiry, in the same transaction.
        var webhooks = await EndedRunOutbox.AddAsync(_endedRunWebhooks, _dialect, connection, transaction, failed, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (webhooks)
        {
            _endedRunWebhooks!.Committed();
        }

        return requeued;
    }

    private const string ReapSavepoint = "reap";

    private async Task ReapOneByOneAsync(
        DbConnection connection, DbTransaction transaction, long now, int limit, List<long> requeued, List<long> failed, CancellationToken cancellationToken)
    {
        List<long> ids;
        await using (var select = connection.Command(_reapSelectSql, transaction).With("now", now).With("limit", (long)limit))
        {
            ids = await SqlRows.ReadAllAsync<long>(select, _ => row => row.GetInt64(0), cancellationToken);
        }

        foreach (var id in ids)
        {
            await transaction.SaveAsync(ReapSavepoint, cancellationToken);
            try
            {
                await using var one = AddReapParameters(connection.Command(_reapOneSql, transaction), now).With("id", id);
                await ReadReapedAsync(one, requeued, failed, cancellationToken);
            }
            catch (Exception ex) when (_dialect.IsRacingUniqueViolation(ex))
            {
                // The follow-up exists now: it resumes from the same checkpoint, so this run ends here.
                await transaction.RollbackAsync(ReapSavepoint, cancellationToken);
                await using var fail = connection.Command(ReapFailOneSql, transaction)
                    .With("now", now).With("followUpError", FollowUpError).With("id", id);
                if (await fail.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    failed.Add(id);
                }
            }
        }
    }

    private static DbCommand AddReapParameters(DbCommand command, long now) =>
        command.With("now", now)
            .With("maxStalled", (long)MaxStalledAttempts)
            .With("maxAttempts", (long)MaxAttempts)
            .With("stalledError", StalledError)
            .With("ceilingError", CeilingError)
            .With("followUpError", FollowUpError);

    private static async Task ReadReapedAsync(DbCommand command, List<long> requeued, List<long> failed, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = reader.GetString(1);
            if (state == SqlStates.Queued)
            {
                requeued.Add(reader.GetInt64(0));
            }
            else if (state == SqlStates.Failed)
            {
                failed.Add(reader.GetInt64(0));
            }
        }
    }

    public bool LeaseOwnersShareThisHost => _dialect.LeaseOwnersShareThisHost;

    public async Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT DISTINCT lease_owner FROM runs WHERE state = '{SqlStates.Running}' AND lease_owner IS NOT NULL");
        return await SqlRows.ReadAllAsync<string>(command, _ => row => row.GetString(0), cancellationToken);
    }

    public async Task<int> ExpireLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken)
    {
        if (owners.Count == 0)
        {
            return 0;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command(
            $"UPDATE runs SET lease_expires_at = 0 WHERE state = '{SqlStates.Running}' AND {_dialect.InList("lease_owner", "owners")}")
            .WithList(_dialect, "owners", owners);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A claimed run, its columns in <see cref="ClaimColumns"/>'s order.</summary>
    private static ClaimedRun ReadClaim(ISqlRow row) => new(
        row.GetInt64(0),
        row.GetInt64(1),
        row.GetString(2),
        (int)row.GetInt64(3),
        row.GetInt64(4) != 0,
        row.GetInt64(5) != 0,
        row.GetInt64(6) != 0,
        row.GetString(7),
        row.GetInt64(8),
        row.GetNullableString(9));
}
