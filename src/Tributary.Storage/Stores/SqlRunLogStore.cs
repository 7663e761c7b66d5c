using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Run logs on SQLite and PostgreSQL; see <see cref="IRunLogStore"/>.</summary>
/// <remarks>
/// Appends are one statement over the whole batch (<see cref="RowBatch"/>: unnest on PostgreSQL, one prepared
/// statement stepped per row on SQLite) in one transaction, as a bulk write: a log never delays a claim or a trigger.
/// They commit without waiting for the disk (<see cref="SqlDialect.RelaxCommitBeforeBeginAsync"/>): a run's lines are
/// written before its completion, whose durable commit flushes the log past them, so a run that recorded how it ended
/// has its lines on disk; a power loss (not a killed process) can lose only the lines of the last moment before it. The
/// flush of every append was 3% of a busy run's worker CPU in B15 (perf, 2026-12-05) and a wait per batch on PostgreSQL.
/// </remarks>
internal sealed class SqlRunLogStore : IRunLogStore
{
    private const string UsageSql = "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM run_logs WHERE run_id = @run";

    private static string ReadSql(SqlDialect d) => $"""
        SELECT id, at, level, source, message FROM run_logs
        WHERE run_id = @run AND id > @after
        ORDER BY id
        {d.Limit("limit")}
        """;

    private static string DeleteSql(SqlDialect d) => $"""
        DELETE FROM run_logs WHERE id IN (SELECT id FROM run_logs WHERE at < @before ORDER BY at {d.Limit("limit")})
        """;

    // Window functions (SQLite 3.25+, PostgreSQL): the running count and size of the run's lines in log order.
    private const string TrimSql = """
        DELETE FROM run_logs WHERE id IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n, SUM(size) OVER (ORDER BY id) AS total
                FROM run_logs WHERE run_id = @run) t
            WHERE n > @lines OR total > @bytes)
        """;

    private readonly Database _database;
    private readonly string _appendSql;
    private readonly string _readSql;
    private readonly string _deleteSql;

    public SqlRunLogStore(Database database)
    {
        _database = database;
        _appendSql = AppendSql(database.Dialect);
        _readSql = ReadSql(database.Dialect);
        _deleteSql = DeleteSql(database.Dialect);
    }

    /// <summary>The append statement over a <see cref="Rows"/> batch (also run by a run's completion, in its transaction).</summary>
    internal static string AppendSql(SqlDialect d) => $"""
        INSERT INTO run_logs (run_id, at, level, source, message, size)
        {d.InsertRows($"{d.Row("r")}, {d.Row("a")}, {d.Row("l")}, {d.Row("s")}, {d.Row("m")}, {d.Row("z")}", "r", "a", "l", "s", "m", "z")}
        """;

    /// <summary>The rows of <see cref="AppendSql"/> for these lines.</summary>
    internal static RowBatch Rows(IReadOnlyList<RunLogLine> lines) =>
        new RowBatch(lines.Count)
            .Int64("r", i => lines[i].RunId)
            .Int64("a", i => lines[i].At)
            .Text("l", i => lines[i].Level)
            .Text("s", i => lines[i].Source)
            .Text("m", i => lines[i].Message)
            .Int64("z", i => lines[i].Size);

    public async Task AppendAsync(IReadOnlyList<RunLogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        var batch = Rows(lines);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        var dialect = _database.Dialect;
        await using (await dialect.RelaxCommitBeforeBeginAsync(connection, cancellationToken))
        {
            await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
            await dialect.RelaxCommitInTransactionAsync(connection, transaction, cancellationToken);
            await dialect.ExecuteRowsAsync(connection, transaction, _appendSql, batch, static _ => { }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task TrimAsync(long runId, long maxLines, long maxBytes, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var trim = connection.Command(TrimSql, transaction).With("run", runId).With("lines", maxLines).With("bytes", maxBytes);
        await trim.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<RunLogUsage> GetUsageAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(UsageSql).With("run", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RunLogUsage(reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<IReadOnlyList<StoredRunLogLine>> ReadAsync(long runId, long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(_readSql).With("run", runId).With("after", afterId).With("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<StoredRunLogLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new StoredRunLogLine(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return lines;
    }

    public async Task<int> DeleteOlderThanAsync(long before, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var delete = connection.Command(_deleteSql, transaction).With("before", before).With("limit", (long)limit);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
