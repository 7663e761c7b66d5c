using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The durable run queue on SQLite and PostgreSQL; see <see cref="IRunQueueStore"/>.</summary>
internal sealed class SqlRunQueueStore : IRunQueueStore
{
    /// <summary>A run that crashed its worker this many times is failed instead of re-queued (a poison run must not loop).</summary>
    internal const int MaxAttempts = 5;

    private const string ReleaseSql = $"""
        UPDATE runs SET
            state = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN '{SqlStates.Failed}' ELSE '{SqlStates.Queued}' END,
            finished_at = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN @now ELSE NULL END,
            error = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}')
                THEN 'Interrupted by a worker shutdown; the queued run of the same sync continues from the checkpoint.' ELSE error END,
            attempt = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = '{SqlStates.Queued}') THEN attempt ELSE attempt - 1 END,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'
        """;

    private const string ReapFailSql =
        $"UPDATE runs SET state = '{SqlStates.Failed}', finished_at = @now, lease_expires_at = NULL, error = @error WHERE id = @id AND state = '{SqlStates.Running}'";

    private const string ReapRequeueSql =
        $"UPDATE runs SET state = '{SqlStates.Queued}', lease_owner = NULL, lease_expires_at = NULL WHERE id = @id AND state = '{SqlStates.Running}'";

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
    private readonly string _advanceSql;
    private readonly string _reapSelectSql;

    public SqlRunQueueStore(Database database)
    {
        _database = database;
        _dialect = database.Dialect;
        _claimSql = ClaimSql(_dialect);
        _enqueueDueSql = EnqueueDueSql(database);
        _resetCancelSql = $"""
            UPDATE runs SET state = '{SqlStates.Cancelled}', finished_at = @now, lease_expires_at = NULL,
                error = 'Cancelled: the sync was reset by a trigger'
            WHERE state = '{SqlStates.Running}' AND {_dialect.InList("sync_id", "ids")}
            RETURNING sync_id
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

        // The next slot on the grid anchored at the schedule's start: no drift, and missed slots are skipped.
        _advanceSql = $"""
            UPDATE syncs SET next_due_at = starts_at + ((@now - starts_at) / (frequency_ms * 1000) + 1) * (frequency_ms * 1000)
            WHERE {_dialect.InList("id", "ids")}
            """;
        _reapSelectSql = $"""
            SELECT id, sync_id, attempt FROM runs WHERE state = '{SqlStates.Running}' AND lease_expires_at <= @now ORDER BY lease_expires_at LIMIT @limit {_dialect.SkipLocked}
            """;
    }

    public async Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return [];
        }

        var syncIds = targets.Select(t => t.Id).ToList();
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var restarted = new HashSet<string>(StringComparer.Ordinal);
        if (request.Reset)
        {
            await using (var command = connection.Command(_resetCancelSql, transaction).With("now", request.Now).WithList(_dialect, "ids", syncIds))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    restarted.Add(reader.GetString(0));
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
                outcomes.Add(new TriggerOutcome(syncId, reader.GetInt64(1), Classify(syncId, inserted.WasInserted(reader, 2, syncId), restarted)));
            }
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

    private static string Classify(string syncId, bool inserted, HashSet<string> restarted) =>
        restarted.Contains(syncId) ? TriggerOutcomes.Restarted
        : inserted ? TriggerOutcomes.Queued
        : TriggerOutcomes.Coalesced;

    public async Task<int> EnqueueDueAsync(long now, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);

        // One scheduler at a time across processes; the others skip this tick instead of waiting.
        if (!await _dialect.TryLockForTransactionAsync(connection, transaction, AdvisoryLock.Scheduler, cancellationToken))
        {
            return 0;
        }

        var due = new List<string>();
        await using (var select = connection.Command(
            $"SELECT id FROM syncs WHERE schedule_state = '{SqlStates.Started}' AND next_due_at <= @now ORDER BY next_due_at LIMIT @limit", transaction)
            .With("now", now).With("limit", (long)limit))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetString(0));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        await using (var command = connection.Command(_enqueueDueSql, transaction).With("now", now).WithList(_dialect, "ids", due))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = connection.Command(_advanceSql, transaction).With("now", now).WithList(_dialect, "ids", due))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>
    /// The insert of <see cref="EnqueueDueAsync"/>: a run for each due sync that has none queued or running.
    /// </summary>
    /// <remarks>
    /// One NOT EXISTS per state, so each is a lookup in its partial unique index (one row per sync at most). A
    /// single <c>state IN (queued, running)</c> made PostgreSQL scan every run ever recorded for each batch,
    /// and SQLite walk each sync's whole run history: a burst of 100,000 schedules took a second per 1,000.
    /// </remarks>
    internal static string EnqueueDueSql(Database database) => $"""
        INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
        SELECT s.id, '{SqlStates.Queued}', '{SqlStates.ScheduleSource}', 'scheduler', 0, 0, 0, 0, 0, @now FROM syncs s
        WHERE {database.Dialect.InList("s.id", "ids")}
          AND NOT EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = s.id AND q.state = '{SqlStates.Queued}')
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.sync_id = s.id AND r.state = '{SqlStates.Running}')
        """;

    /// <summary>The claim statement of <see cref="ClaimAsync"/> (also planned by the benchmark and a test).</summary>
    /// <remarks>
    /// SQLite's planner, left alone, scans every run (finished ones too) for the NOT EXISTS guard; the partial
    /// index of queued runs in id order lets the claim stop after @max candidates, whatever the history.
    /// </remarks>
    internal static string ClaimSql(SqlDialect dialect) => $"""
        UPDATE runs SET state = '{SqlStates.Running}', lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expires,
            attempt = attempt + 1, attempt_started_at = @now, started_at = COALESCE(started_at, @now)
        WHERE id IN (
            SELECT q.id FROM runs q {dialect.IndexedBy("runs_claimable")}
            WHERE q.state = '{SqlStates.Queued}'
              AND NOT EXISTS (SELECT 1 FROM runs x WHERE x.sync_id = q.sync_id AND x.state = '{SqlStates.Running}')
            ORDER BY q.id
            LIMIT @max
            {dialect.SkipLocked})
        RETURNING {ClaimColumns}
        """;

    public async Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        List<ClaimedRun> claimed;
        try
        {
            await using (var command = connection.Command(_claimSql, transaction)
                .With("owner", owner).With("expires", now + leaseMicros).With("now", now).With("max", (long)max))
            {
                claimed = await SqlRows.ReadAllAsync(command, ReadClaim, cancellationToken);
            }

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

    public async Task<bool> HeartbeatAsync(long runId, long leaseToken, long newExpiry, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command(
            $"UPDATE runs SET lease_expires_at = @expires WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'")
            .With("expires", newExpiry).With("id", runId).With("token", leaseToken);
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
            UPDATE runs SET state = @state, finished_at = @now, result = COALESCE(@result, result), error = @error, lease_expires_at = NULL
            WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'
            """, transaction);
        DbParameter state = finish.Parameter("state"), now = finish.Parameter("now"), result = finish.Parameter("result"),
            error = finish.Parameter("error"), id = finish.Parameter("id"), token = finish.Parameter("token");
        await using var lastSync = connection.Command("UPDATE syncs SET last_sync_date = @date WHERE id = @id", transaction);
        DbParameter date = lastSync.Parameter("date"), syncId = lastSync.Parameter("id");
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            state.Value = completion.Succeeded ? SqlStates.Succeeded : SqlStates.Failed;
            now.Value = completion.Now;
            result.Value = (object?)completion.ResultJson ?? DBNull.Value;
            error.Value = (object?)completion.Error ?? DBNull.Value;
            id.Value = completion.Fence.RunId;
            token.Value = completion.Fence.LeaseToken;

            // A lost lease writes nothing for that run; the others in the batch are unaffected.
            completed[i] = await finish.ExecuteNonQueryAsync(cancellationToken) == 1;
            if (completed[i] && completion.Succeeded && completion.LastSyncDate is { } lastSyncDate)
            {
                date.Value = lastSyncDate;
                syncId.Value = completion.SyncId;
                await lastSync.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return completed;
    }

    /// <remarks>
    /// A released run was not at fault, so its attempt is given back (the next claim counts it again): a rolling
    /// deploy or a database blip must never bring a run closer to the poison limit.
    /// </remarks>
    public async Task ReleaseAsync(RunFence fence, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command(ReleaseSql).With("now", now).With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var expired = new List<(long Id, string SyncId, long Attempt)>();
        await using (var select = connection.Command(_reapSelectSql, transaction).With("now", now).With("limit", (long)limit))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        var requeued = new List<long>();
        foreach (var (id, syncId, attempt) in expired)
        {
            // A follow-up is already queued: it resumes from the same checkpoint, so the expired run ends
            // here rather than queueing a second run for the sync.
            await using var hasFollowUp = connection.Command($"SELECT COUNT(*) FROM runs WHERE sync_id = @sync AND state = '{SqlStates.Queued}'", transaction)
                .With("sync", syncId);
            var failIt = attempt >= MaxAttempts || await hasFollowUp.ScalarInt64Async(cancellationToken) > 0;
            var sql = failIt ? ReapFailSql : ReapRequeueSql;
            await using var update = connection.Command(sql, transaction).With("now", now).With("id", id)
                .With("error", attempt >= MaxAttempts
                    ? $"The run's lease expired {attempt} times (its worker stopped or crashed); giving up."
                    : "The run's lease expired (its worker stopped or crashed); a queued run of the same sync takes over.");
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1 && !failIt)
            {
                requeued.Add(id);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return requeued;
    }

    private static RowReader<ClaimedRun> ReadClaim(DbDataReader reader)
    {
        int id = reader.GetOrdinal("id"), token = reader.GetOrdinal("lease_token"), syncId = reader.GetOrdinal("sync_id"),
            attempt = reader.GetOrdinal("attempt"), reset = reader.GetOrdinal("reset"), emptyCache = reader.GetOrdinal("empty_cache"),
            emptyCacheDone = reader.GetOrdinal("empty_cache_done"), source = reader.GetOrdinal("trigger_source"),
            started = reader.GetOrdinal("attempt_started_at"), result = reader.GetOrdinal("result");
        return row => new ClaimedRun(
            row.GetInt64(id),
            row.GetInt64(token),
            row.GetString(syncId),
            (int)row.GetInt64(attempt),
            row.GetInt64(reset) != 0,
            row.GetInt64(emptyCache) != 0,
            row.GetInt64(emptyCacheDone) != 0,
            row.GetString(source),
            row.GetInt64(started),
            row.GetNullableString(result));
    }
}
