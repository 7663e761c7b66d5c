using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Run history on SQLite and PostgreSQL; see <see cref="IRunHistoryStore"/>.</summary>
internal sealed partial class SqlRunHistoryStore : IRunHistoryStore
{
    // RETURNING the lease owner: only a running run holds one (a claim sets it, a requeue or hand-back clears it).
    private const string CancelSql = $"""
        UPDATE runs SET state = '{SqlStates.Cancelled}', finished_at = @now, lease_expires_at = NULL, error = @reason
        WHERE id = @id AND state IN ('{SqlStates.Queued}', '{SqlStates.Running}')
          AND sync_id IN (SELECT s.id FROM syncs s JOIN connections c ON c.id = s.connection_id WHERE c.environment_id = @env)
        RETURNING lease_owner
        """;

    private const string GetSql = $"SELECT {SqlRows.RunColumns} WHERE r.id = @id AND c.environment_id = @env";
    private static string ListSql(SqlDialect dialect) => $"""
        SELECT {SqlRows.RunColumns}
        WHERE c.environment_id = @env
          AND (@pck IS NULL OR i.unique_key = @pck)
          AND (@cid IS NULL OR c.connection_id = @cid)
          AND (@sync IS NULL OR s.name = @sync)
          AND (@variant IS NULL OR s.variant = @variant)
          AND (@state IS NULL OR r.state = @state)
          AND (@batch IS NULL OR r.batch_id = @batch)
          AND (@before IS NULL OR r.id < @before)
        ORDER BY r.id DESC
        {dialect.Limit("limit")}
        """;

    private readonly Database _database;
    private readonly string _latestSql;

    private readonly IEndedRunWebhooks? _endedRunWebhooks;
    private readonly string _listSql;
    private readonly string _deleteFinishedSql;

    /// <param name="endedRunWebhooks">The failure webhooks of runs cancelled while running, written in the cancellation's transaction; none when null.</param>
    public SqlRunHistoryStore(Database database, IEndedRunWebhooks? endedRunWebhooks = null)
    {
        _endedRunWebhooks = endedRunWebhooks;
        _database = database;
        _listSql = ListSql(database.Dialect);
        _deleteFinishedSql = DeleteFinishedSql(database.Dialect);

        // A queued run has not started: like Nango's jobs (created at start), status reports started runs.
        _latestSql = $"""
            SELECT {SqlRows.RunColumns}
            WHERE r.id IN (SELECT MAX(id) FROM runs WHERE state <> '{SqlStates.Queued}' AND {database.Dialect.InList("sync_id", "ids")} GROUP BY sync_id)
            """;
    }

    public async Task<RunRow?> GetRunAsync(long environmentId, long runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(GetSql).With("id", runId).With("env", environmentId);
        return await SqlRows.ReadFirstAsync(command, SqlRows.Run, cancellationToken);
    }

    /// <remarks>A finished run keeps a lease owner only when a cancel stopped it running (see <see cref="SqlRunQueueStore.CloseStoppedLogAsync"/>).</remarks>
    public async Task<bool> IsStoppedLogOpenAsync(long runId, long finishedSince, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT 1 FROM runs WHERE id = @id AND lease_owner IS NOT NULL AND finished_at IS NOT NULL AND finished_at >= @since")
            .With("id", runId).With("since", finishedSince);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<RunRow>> ListRunsAsync(long environmentId, RunFilter filter, CancellationToken cancellationToken)
    {
        // The filter names a state as the API shows it; a name the API does not know matches no run.
        string? state = null;
        if (filter.State is { } name)
        {
            if (RunStateNames.FromApiName(name) is not { } known)
            {
                return [];
            }

            state = SqlStates.Text(known);
        }

        var dialect = _database.Dialect;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(_listSql)
            .With("env", environmentId)
            .WithNullable(dialect, "pck", filter.ProviderConfigKey)
            .WithNullable(dialect, "cid", filter.ConnectionId)
            .WithNullable(dialect, "sync", filter.SyncName)
            .WithNullable(dialect, "variant", filter.Variant)
            .WithNullable(dialect, "state", state)
            .WithNullable(dialect, "batch", filter.BatchId)
            .WithNullable(dialect, "before", filter.BeforeId)
            .With("limit", (long)filter.Limit);
        return await SqlRows.ReadAllAsync(command, SqlRows.Run, cancellationToken);
    }

    /// <remarks>
    /// A run cancelled while running (held by a worker) reports its failure as Nango does on a cancellation, in
    /// the cancellation's transaction; a queued run that never started ends without a webhook.
    /// </remarks>
    public async Task<RunCancellation?> CancelRunAsync(long environmentId, long runId, string reason, long now, CancellationToken cancellationToken)
    {
        var webhooks = false;
        bool started;
        await using (var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken))
        {
            var connection = writer.Connection;
            await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
            await using (var command = connection.Command(CancelSql, transaction)
                .With("now", now).With("reason", reason).With("id", runId).With("env", environmentId))
            {
                var cancelled = await SqlRows.ReadAllAsync<bool>(command, _ => row => !row.IsDBNull(0), cancellationToken);
                started = cancelled is [true];
            }

            if (started)
            {
                webhooks = await EndedRunOutbox.AddAsync(_endedRunWebhooks, _database.Dialect, connection, transaction, [runId], now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (webhooks)
        {
            _endedRunWebhooks!.Committed();
        }

        return await GetRunAsync(environmentId, runId, cancellationToken) is { } run ? new RunCancellation(run, started) : null;
    }

    public async Task<IReadOnlyDictionary<string, RunRow>> LatestRunsAsync(IReadOnlyList<string> syncIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, RunRow>(StringComparer.Ordinal);
        if (syncIds.Count == 0)
        {
            return result;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(_latestSql).WithList(_database.Dialect, "ids", syncIds);
        foreach (var run in await SqlRows.ReadAllAsync(command, SqlRows.Run, cancellationToken))
        {
            result[run.SyncId] = run;
        }

        return result;
    }
}
