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

    private readonly Database _database;

    // Built once: the claim runs on every wake-up of every worker, the scheduler insert on every batch.
    private readonly string _claimSql;
    private readonly string _enqueueDueSql;

    public SqlRunQueueStore(Database database)
    {
        _database = database;
        _claimSql = ClaimSql(database.Kind);
        _enqueueDueSql = EnqueueDueSql(database);
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
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var restarted = new HashSet<string>(StringComparer.Ordinal);
        if (request.Reset)
        {
            var cancel = $"""
                UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL,
                    error = 'Cancelled: the sync was reset by a trigger'
                WHERE state = 'running' AND {SqlLists.In(_database, "sync_id", "ids")}
                RETURNING sync_id
                """;
            await using (var command = connection.Command(cancel, transaction).With("now", request.Now).WithList("ids", syncIds))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    restarted.Add(reader.GetString(0));
                }
            }

            var clearDate = $"UPDATE syncs SET last_sync_date = NULL WHERE {SqlLists.In(_database, "id", "ids")}";
            await using (var command = connection.Command(clearDate, transaction).WithList("ids", syncIds))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            // Exactly the sync's key and its own track-deletes windows: never a bare prefix, which would also
            // hit a sibling variant (v1 vs v10) the way Nango's LIKE does.
            var clearCheckpoints = $"""
                DELETE FROM checkpoints WHERE EXISTS (
                    SELECT 1 FROM syncs s
                    WHERE {SqlLists.In(_database, "s.id", "ids")}
                      AND checkpoints.connection_id = s.connection_id
                      AND (checkpoints.key = 'sync:' || s.name || ':' || s.variant
                           OR substr(checkpoints.key, 1, length('sync:' || s.name || ':' || s.variant || ':trackDeletes:'))
                              = 'sync:' || s.name || ':' || s.variant || ':trackDeletes:'))
                """;
            await using (var command = connection.Command(clearCheckpoints, transaction).WithList("ids", syncIds))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var outcomes = new List<TriggerOutcome>(targets.Count);
        var flags = $"@reset, @empty, 0, @batch, 0, 0, @now";
        if (_database.IsPostgres)
        {
            var sql = $"""
                INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
                SELECT l.value, 'queued', 'api', @initiator, {flags} FROM {SqlLists.Rows(_database, "ids")}
                ON CONFLICT (sync_id) WHERE state = 'queued' DO UPDATE
                    SET reset = GREATEST(runs.reset, excluded.reset), empty_cache = GREATEST(runs.empty_cache, excluded.empty_cache)
                RETURNING sync_id, id, (xmax = 0) AS inserted
                """;
            await using var command = connection.Command(sql, transaction);
            AddTriggerParameters(command, request).WithList("ids", syncIds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var syncId = reader.GetString(0);
                outcomes.Add(new TriggerOutcome(syncId, reader.GetInt64(1), Classify(syncId, reader.GetBoolean(2), restarted)));
            }
        }
        else
        {
            // SQLite's write transaction is exclusive, so reading the queued runs first cannot race.
            var alreadyQueued = new HashSet<string>(StringComparer.Ordinal);
            var select = $"SELECT sync_id FROM runs WHERE state = 'queued' AND {SqlLists.In(_database, "sync_id", "ids")}";
            await using (var command = connection.Command(select, transaction).WithList("ids", syncIds))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    alreadyQueued.Add(reader.GetString(0));
                }
            }

            var sql = $"""
                INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
                SELECT l.value, 'queued', 'api', @initiator, {flags} FROM {SqlLists.Rows(_database, "ids")} WHERE true
                ON CONFLICT (sync_id) WHERE state = 'queued' DO UPDATE
                    SET reset = max(runs.reset, excluded.reset), empty_cache = max(runs.empty_cache, excluded.empty_cache)
                RETURNING sync_id, id
                """;
            await using var insert = connection.Command(sql, transaction);
            AddTriggerParameters(insert, request).WithList("ids", syncIds);
            await using var rows = await insert.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var syncId = rows.GetString(0);
                outcomes.Add(new TriggerOutcome(syncId, rows.GetInt64(1), Classify(syncId, !alreadyQueued.Contains(syncId), restarted)));
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
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        if (_database.IsPostgres)
        {
            // One scheduler at a time across processes; the others skip this tick instead of waiting.
            await using var lockCommand = connection.Command("SELECT pg_try_advisory_xact_lock(7261040002)", transaction);
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        var due = new List<string>();
        await using (var select = connection.Command(
            "SELECT id FROM syncs WHERE schedule_state = 'STARTED' AND next_due_at <= @now ORDER BY next_due_at LIMIT @limit", transaction)
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

        await using (var command = connection.Command(_enqueueDueSql, transaction).With("now", now).WithList("ids", due))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // The next slot on the grid anchored at the schedule's start: no drift, and missed slots are skipped.
        var advance = $"""
            UPDATE syncs SET next_due_at = starts_at + ((@now - starts_at) / (frequency_ms * 1000) + 1) * (frequency_ms * 1000)
            WHERE {SqlLists.In(_database, "id", "ids")}
            """;
        await using (var command = connection.Command(advance, transaction).With("now", now).WithList("ids", due))
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
    /// single <c>state IN ('queued', 'running')</c> made PostgreSQL scan every run ever recorded for each batch,
    /// and SQLite walk each sync's whole run history: a burst of 100,000 schedules took a second per 1,000.
    /// </remarks>
    internal static string EnqueueDueSql(Database database) => $"""
        INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
        SELECT s.id, 'queued', 'schedule', 'scheduler', 0, 0, 0, 0, 0, @now FROM syncs s
        WHERE {SqlLists.In(database, "s.id", "ids")}
          AND NOT EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = s.id AND q.state = 'queued')
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.sync_id = s.id AND r.state = 'running')
        """;

    /// <summary>The claim statement of <see cref="ClaimAsync"/> (also planned by the benchmark and a test).</summary>
    internal static string ClaimSql(SqlDialectKind dialect)
    {
        var postgres = dialect == SqlDialectKind.Postgres;
        var skipLocked = postgres ? "FOR UPDATE SKIP LOCKED" : string.Empty;

        // SQLite's planner, left alone, scans every run (finished ones too) for the NOT EXISTS guard; the partial
        // index of queued runs in id order lets the claim stop after @max candidates, whatever the history.
        var claimable = postgres ? string.Empty : "INDEXED BY runs_claimable";
        return $"""
            UPDATE runs SET state = 'running', lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expires,
                attempt = attempt + 1, attempt_started_at = @now, started_at = COALESCE(started_at, @now)
            WHERE id IN (
                SELECT q.id FROM runs q {claimable}
                WHERE q.state = 'queued'
                  AND NOT EXISTS (SELECT 1 FROM runs x WHERE x.sync_id = q.sync_id AND x.state = 'running')
                ORDER BY q.id
                LIMIT @max
                {skipLocked})
            RETURNING id, lease_token, sync_id, attempt, reset, empty_cache, empty_cache_done, trigger_source, attempt_started_at, result
            """;
    }

    public async Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var claimed = new List<ClaimedRun>();
        try
        {
            await using (var command = connection.Command(_claimSql, transaction)
                .With("owner", owner).With("expires", now + leaseMicros).With("now", now).With("max", (long)max))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    claimed.Add(new ClaimedRun(
                        reader.GetInt64(0),
                        reader.GetInt64(1),
                        reader.GetString(2),
                        (int)reader.GetInt64(3),
                        reader.GetInt64(4) != 0,
                        reader.GetInt64(5) != 0,
                        reader.GetInt64(6) != 0,
                        reader.GetString(7),
                        reader.GetInt64(8),
                        reader.GetNullableString(9)));
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
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
            "UPDATE runs SET lease_expires_at = @expires WHERE id = @id AND lease_token = @token AND state = 'running'")
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
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await using var finish = connection.Command("""
            UPDATE runs SET state = @state, finished_at = @now, result = COALESCE(@result, result), error = @error, lease_expires_at = NULL
            WHERE id = @id AND lease_token = @token AND state = 'running'
            """, transaction);
        DbParameter state = finish.Parameter("state"), now = finish.Parameter("now"), result = finish.Parameter("result"),
            error = finish.Parameter("error"), id = finish.Parameter("id"), token = finish.Parameter("token");
        await using var lastSync = connection.Command("UPDATE syncs SET last_sync_date = @date WHERE id = @id", transaction);
        DbParameter date = lastSync.Parameter("date"), syncId = lastSync.Parameter("id");
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            state.Value = completion.Succeeded ? RunStates.Succeeded : RunStates.Failed;
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
        await using var command = connection.Command("""
            UPDATE runs SET
                state = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = 'queued') THEN 'failed' ELSE 'queued' END,
                finished_at = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = 'queued') THEN @now ELSE NULL END,
                error = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = 'queued')
                    THEN 'Interrupted by a worker shutdown; the queued run of the same sync continues from the checkpoint.' ELSE error END,
                attempt = CASE WHEN EXISTS (SELECT 1 FROM runs q WHERE q.sync_id = runs.sync_id AND q.state = 'queued') THEN attempt ELSE attempt - 1 END,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE id = @id AND lease_token = @token AND state = 'running'
            """).With("now", now).With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var skipLocked = _database.IsPostgres ? "FOR UPDATE SKIP LOCKED" : string.Empty;
        var expired = new List<(long Id, string SyncId, long Attempt)>();
        await using (var select = connection.Command($"""
            SELECT id, sync_id, attempt FROM runs WHERE state = 'running' AND lease_expires_at <= @now ORDER BY lease_expires_at LIMIT @limit {skipLocked}
            """, transaction).With("now", now).With("limit", (long)limit))
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
            await using var hasFollowUp = connection.Command("SELECT COUNT(*) FROM runs WHERE sync_id = @sync AND state = 'queued'", transaction)
                .With("sync", syncId);
            var failIt = attempt >= MaxAttempts || await hasFollowUp.ScalarInt64Async(cancellationToken) > 0;
            var sql = failIt
                ? "UPDATE runs SET state = 'failed', finished_at = @now, lease_expires_at = NULL, error = @error WHERE id = @id AND state = 'running'"
                : "UPDATE runs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL WHERE id = @id AND state = 'running'";
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
}
