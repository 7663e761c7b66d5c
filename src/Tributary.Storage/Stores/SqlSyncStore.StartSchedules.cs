using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

internal sealed partial class SqlSyncStore
{
    /// <remarks>
    /// <para>
    /// Set-based: starting 100,000 schedules read every row into the server and sent 100,000 ids back (B10: about
    /// half of the start request's time); each UPDATE names its rows by the same filter the read used.
    /// </para>
    /// <para>
    /// On PostgreSQL in chunks of <see cref="SqlDialect.ScheduleStartChunk"/> syncs (the constructor's <c>startChunk</c>) in id order, each committed on its own, and
    /// <paramref name="chunkStarted"/> called after each chunk that started something: the scheduler queues the first
    /// schedules while the rest are being started, instead of after one statement over all of
    /// them (on PostgreSQL 100,000 non-HOT row updates, each inserting into every index of <c>syncs</c>: about 2 s
    /// on a quiet 2-core host, which B10 counted in full before its first batch). A start that fails part-way
    /// leaves the earlier chunks started and answers an error; starting is idempotent, so a retry starts the rest.
    /// SQLite starts all in one transaction: with one writer, chunks would only alternate with the scheduler's
    /// batches through the busy handler's back-off, with no second core's work to gain.
    /// </para>
    /// <para>
    /// Every chunk calls back, not only the first: the scheduler's two backends queue a chunk faster than one backend
    /// starts the next, so a burst's tick caught up with the start after the first chunk, found nothing due, ended (the
    /// worker released, <c>VACUUM</c> of <c>syncs</c> in the middle of the start) and waited a whole tick interval for
    /// the rest (B10 on PostgreSQL: a 1.3 s gap after the first 5,000 runs). The call back lets a tick that is feeding on
    /// a start wait for the next chunk instead (<c>SyncScheduler</c>).
    /// </para>
    /// </remarks>
    public async Task<int?> StartSchedulesOfIntegrationAsync(
        long integrationId,
        IReadOnlyList<SyncIdentifier>? syncs,
        Func<CancellationToken, Task> chunkStarted,
        CancellationToken cancellationToken)
    {
        var names = syncs is { Count: > 0 } ? syncs : null;
        var filter = names is not null ? " AND " + _database.Dialect.InList(SyncKey("s."), "keys") : string.Empty;
        var matching = $"""
            SELECT s.id FROM syncs s
            JOIN connections c ON c.id = s.connection_id
            JOIN sync_configs sc ON sc.id = s.sync_config_id
            WHERE c.integration_id = @integration AND sc.enabled = 1{filter}
            """;
        if (_startChunk == int.MaxValue)
        {
            return await StartInOneTransactionAsync(integrationId, names, matching, chunkStarted, cancellationToken);
        }

        // Every chunk's last id, read once before the first chunk: the matching syncs numbered in id order, every
        // chunk-th one and the last. The walk then updates one range of the primary key per chunk. Reading one chunk's
        // bound before each chunk (MAX and COUNT over the next chunk of the join) cost a whole pass of the join every
        // time: the planner, with no statistics on the few rows of sync_configs, expected a few hundred matches and
        // scanned and sorted every sync for each chunk (B10: 0.5 s per chunk of 5,000 under load, 20 chunks).
        var boundsSql = $"""
            SELECT id FROM (
                SELECT m.id, ROW_NUMBER() OVER (ORDER BY m.id) AS n, COUNT(*) OVER () AS total FROM ({matching}) AS m
            ) AS numbered
            WHERE n % @chunk = 0 OR n = total
            ORDER BY id
            """;
        var updateSql = $"UPDATE syncs SET schedule_state = @state WHERE schedule_state <> @state AND id IN ({matching} AND s.id > @after AND s.id <= @upto)";
        var bounds = new List<string>();
        await using (var connection = await _database.OpenAsync(cancellationToken))
        await using (var read = WithIntegration(connection.Command(boundsSql), integrationId, names).With("chunk", (long)_startChunk))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                bounds.Add(reader.GetString(0));
            }
        }

        if (bounds.Count == 0)
        {
            // No sync matched at all: Nango's error.
            return null;
        }

        var after = string.Empty;
        var changed = 0;
        foreach (var upto in bounds)
        {
            await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
            var connection = writer.Connection;
            await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
            await using (var update = WithIntegration(connection.Command(updateSql, transaction), integrationId, names)
                .With("after", after).With("upto", upto).With("state", SqlStates.Text(ScheduleState.Started)))
            {
                var changedHere = await update.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                changed += changedHere;
                if (changedHere > 0)
                {
                    await chunkStarted(cancellationToken);
                }
            }

            after = upto;
        }

        return changed;
    }

    /// <summary>
    /// The start of a whole integration in one transaction (SQLite, <see cref="SqlDialect.ScheduleStartChunk"/> of
    /// <see cref="int.MaxValue"/>): no chunk bounds to read, and the syncs reached through the integration's connections.
    /// </summary>
    /// <remarks>
    /// Why: the chunked walk's shape cost SQLite most of B10's start. Its bound read (one pass of the join, numbered)
    /// served no purpose with one chunk, and the update named its rows by <c>id</c>, a random UUID: SQLite looked each
    /// sync up through the <c>id</c> index, so 100,000 rows were visited in an order unrelated to where they are
    /// stored, and a page cache of 8 MB re-read the table's pages over and over. A connection's syncs are created
    /// together, so reaching them through <c>(connection_id, name, variant)</c> visits the table in the order it was
    /// written. Measured on a copy of the full suite's database (100,000 schedules, <c>sqlite3</c>, CPU time): the
    /// bound read 0.45 s and the update 1.2 s before, the update 0.2 s now. Which syncs start, and the answer when none
    /// matches, are unchanged.
    /// </remarks>
    private async Task<int?> StartInOneTransactionAsync(
        long integrationId,
        IReadOnlyList<SyncIdentifier>? names,
        string matching,
        Func<CancellationToken, Task> chunkStarted,
        CancellationToken cancellationToken)
    {
        int changed;
        await using (var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken))
        {
            var connection = writer.Connection;
            await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
            await using (var update = WithIntegration(connection.Command(StartAllSql(_database.Dialect, names is { Count: > 0 }), transaction), integrationId, names)
                .With("state", SqlStates.Text(ScheduleState.Started)))
            {
                changed = await update.ExecuteNonQueryAsync(cancellationToken);
            }

            if (changed == 0)
            {
                // Nothing changed: every matching sync was started already, or none matches (Nango's error).
                await using var any = WithIntegration(connection.Command($"{matching} LIMIT 1", transaction), integrationId, names);
                if (await any.ExecuteScalarAsync(cancellationToken) is null)
                {
                    return null;
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (changed > 0)
        {
            await chunkStarted(cancellationToken);
        }

        return changed;
    }

    /// <summary>
    /// The one-transaction start (<see cref="StartInOneTransactionAsync"/>): every sync of the integration's connections
    /// whose config is enabled, optionally only the <c>keys</c> list (<see cref="SyncKey"/>); what a plan test explains.
    /// </summary>
    internal static string StartAllSql(SqlDialect dialect, bool named) => $"""
        UPDATE syncs SET schedule_state = @state
        WHERE schedule_state <> @state
          AND connection_id IN (SELECT c.id FROM connections c WHERE c.integration_id = @integration)
          AND sync_config_id IN (SELECT sc.id FROM sync_configs sc WHERE sc.enabled = 1){(named ? " AND " + dialect.InList(SyncKey(string.Empty), "keys") : string.Empty)}
        """;

    /// <summary>
    /// A sync's (name, variant) as one value, <c>name::variant</c> (the API's own spelling of the pair; neither part can
    /// hold <c>:</c>), so that a list of pairs is one list parameter on both databases.
    /// </summary>
    internal static string SyncKey(string alias) => $"({alias}name || '::' || {alias}variant)";

    /// <summary>The value <see cref="SyncKey"/> gives for <paramref name="sync"/>.</summary>
    internal static string SyncKeyOf(SyncIdentifier sync) => $"{sync.Name}::{sync.Variant}";

    private DbCommand WithIntegration(DbCommand command, long integrationId, IReadOnlyList<SyncIdentifier>? syncs)
    {
        command.With("integration", integrationId);
        if (syncs is { Count: > 0 })
        {
            command.WithList(_database.Dialect, "keys", syncs.Select(SyncKeyOf).Distinct(StringComparer.Ordinal).ToList());
        }

        return command;
    }
}
