using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Run history on SQLite and PostgreSQL; see <see cref="IRunHistoryStore"/>.</summary>
internal sealed partial class SqlRunHistoryStore : IRunHistoryStore
{
    private const string RunColumns = """
        r.id, r.sync_id, s.name, s.variant, c.connection_id, i.unique_key, r.state, r.trigger_source, r.initiator,
        r.reset, r.empty_cache, r.batch_id, r.attempt, r.queued_at, r.started_at, r.finished_at, r.job_type, r.result, r.error
        FROM runs r
        JOIN syncs s ON s.id = r.sync_id
        JOIN connections c ON c.id = s.connection_id
        JOIN integrations i ON i.id = c.integration_id
        """;

    private readonly Database _database;

    public SqlRunHistoryStore(Database database)
    {
        _database = database;
    }

    public async Task<RunRow?> GetRunAsync(long environmentId, long runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {RunColumns} WHERE r.id = @id AND c.environment_id = @env")
            .With("id", runId).With("env", environmentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    public async Task<IReadOnlyList<RunRow>> ListRunsAsync(long environmentId, RunFilter filter, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {RunColumns}
            WHERE c.environment_id = @env
              AND (@pck IS NULL OR i.unique_key = @pck)
              AND (@cid IS NULL OR c.connection_id = @cid)
              AND (@sync IS NULL OR s.name = @sync)
              AND (@variant IS NULL OR s.variant = @variant)
              AND (@state IS NULL OR r.state = @state)
              AND (@batch IS NULL OR r.batch_id = @batch)
              AND (@before IS NULL OR r.id < @before)
            ORDER BY r.id DESC
            LIMIT @limit
            """;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(sql)
            .With("env", environmentId)
            .With("pck", filter.ProviderConfigKey)
            .With("cid", filter.ConnectionId)
            .With("sync", filter.SyncName)
            .With("variant", filter.Variant)
            .With("state", filter.State)
            .With("batch", filter.BatchId)
            .With("before", filter.BeforeId)
            .With("limit", (long)filter.Limit);
        if (_database.IsPostgres)
        {
            // Untyped NULL parameters need a type on PostgreSQL ("could not determine data type").
            foreach (DbParameter parameter in command.Parameters)
            {
                if (parameter.Value is DBNull)
                {
                    ((Npgsql.NpgsqlParameter)parameter).NpgsqlDbType = parameter.ParameterName == "before"
                        ? NpgsqlTypes.NpgsqlDbType.Bigint
                        : NpgsqlTypes.NpgsqlDbType.Text;
                }
            }
        }

        var runs = new List<RunRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public async Task<RunRow?> CancelRunAsync(long environmentId, long runId, string reason, long now, CancellationToken cancellationToken)
    {
        await using (var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken))
        await using (var command = writer.Connection.Command("""
            UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL, error = @reason
            WHERE id = @id AND state IN ('queued', 'running')
              AND sync_id IN (SELECT s.id FROM syncs s JOIN connections c ON c.id = s.connection_id WHERE c.environment_id = @env)
            """).With("now", now).With("reason", reason).With("id", runId).With("env", environmentId))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return await GetRunAsync(environmentId, runId, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, RunRow>> LatestRunsAsync(IReadOnlyList<string> syncIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, RunRow>(StringComparer.Ordinal);
        if (syncIds.Count == 0)
        {
            return result;
        }

        // A queued run has not started: like Nango's jobs (created at start), status reports started runs.
        var sql = $"""
            SELECT {RunColumns}
            WHERE r.id IN (SELECT MAX(id) FROM runs WHERE state <> 'queued' AND {SqlLists.In(_database, "sync_id", "ids")} GROUP BY sync_id)
            """;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(sql).WithList("ids", syncIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var run = ReadRun(reader);
            result[run.SyncId] = run;
        }

        return result;
    }

    private static RunRow ReadRun(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetNullableString(8),
        reader.GetInt64(9) != 0,
        reader.GetInt64(10) != 0,
        reader.GetNullableString(11),
        (int)reader.GetInt64(12),
        reader.GetInt64(13),
        reader.GetNullableInt64(14),
        reader.GetNullableInt64(15),
        reader.GetNullableString(16),
        reader.GetNullableString(17),
        reader.GetNullableString(18));
}
