using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The webhook outbox's deliveries on SQLite and PostgreSQL; see <see cref="IWebhookDeliveryStore"/>.</summary>
/// <remarks>
/// Claims and delivered marks commit without waiting for a log flush (<see cref="SqlDialect.RelaxCommitBeforeBeginAsync"/>):
/// delivery is at least once already, and a crash can only lose a suffix of commits — a lost claim leaves its
/// delivery claimable again, a lost delivered mark sends it again, in its connection's order. The flush each waited
/// for was most of a delivery's cost. The outbox rows themselves are written durably, with the completion they report.
/// On PostgreSQL each is one statement that carries its relaxed commit (<see cref="SqlDialect.RelaxedStatement"/>),
/// one round trip: the same commit, without the BEGIN and COMMIT round trips around it.
/// </remarks>
internal sealed class SqlWebhookDeliveryStore : IWebhookDeliveryStore
{
    private const string Pending = DeliveryStates.Pending;

    private const string ListColumns =
        "id, run_id, connection_id, provider_config_key, event, url, state, attempts, created_at, next_attempt_at, delivered_at, last_status, last_error";

    private readonly Database _database;
    private readonly string _claimSql;
    private readonly string _deliveredSql;

    public SqlWebhookDeliveryStore(Database database)
    {
        _database = database;
        _claimSql = database.Dialect.RelaxedStatement(database.Dialect.SortsAsLastResort + ClaimSql(database.Dialect));
        _deliveredSql = database.Dialect.RelaxedStatement(DeliveredSql(database.Dialect));
    }

    /// <summary>
    /// The lease-fenced updates' state check: pending, written so that PostgreSQL cannot prove it implies the partial
    /// indexes' <c>state = 'pending'</c>. The row is found by its id in the primary key; with <c>state = 'pending'</c>
    /// the planner could read it through a partial index instead, and statistics taken while nothing was pending
    /// (an outbox's usual state) made it read every pending row per statement — a hash of the whole outbox for each
    /// batch of delivered marks once a fan-out had filled it.
    /// </summary>
    private const string StillPending = $"state NOT IN ('{DeliveryStates.Delivered}', '{DeliveryStates.Dead}')";

    /// <summary>
    /// The claim: up to <c>@max</c> due deliveries with no live lease, each the oldest pending delivery of its
    /// connection and URL, so that deliveries of one connection reach a receiver in the order their runs completed.
    /// </summary>
    /// <remarks>
    /// PostgreSQL: statistics taken while nothing was pending (an outbox's usual state) make every path through the
    /// two partial indexes look free, and the planner then read the whole pending index once per candidate — as an
    /// anti-join (1.9 s per claim of 256 with 10,000 pending, <c>EXPLAIN (ANALYZE)</c> on the medium benchmark's
    /// database; 9 ms with one lookup per candidate), or as a subquery walking <c>webhook_deliveries_due</c>. So the
    /// check is a subquery the planner keeps as one (<c>OFFSET 0</c>), asking for the order of
    /// <c>webhook_deliveries_pending</c> (any other index would need a sort): one index lookup per candidate,
    /// whatever the statistics say. The store runs it after <see cref="SqlDialect.SortsAsLastResort"/>: with
    /// statistics that call both partial indexes empty, the planner otherwise read that lookup from
    /// <c>webhook_deliveries_due</c> and sorted it (its <c>ORDER BY</c> is only <c>e.id</c> once the equalities are
    /// applied), every older pending row per candidate.
    /// <para>
    /// The walk starts after <c>(@after_at, @after_id)</c> in <c>webhook_deliveries_due</c>'s order (a row-value
    /// bound of the index scan on both databases; <see cref="ClaimCursor.Start"/> is before every row): a worker
    /// that claimed a full batch goes on from its last delivery instead of reading again past the leases it holds and
    /// past the index entries of deliveries recorded since the last vacuum (see <c>DeliveryClaimCursor</c>).
    /// </para>
    /// </remarks>
    internal static string ClaimSql(SqlDialect dialect)
    {
        var leaseNow = dialect.LeaseNowMicros;
        var lookup = dialect.AsOneIndexLookup("e.connection_row_id, e.url, e.id");
        return $"""
            UPDATE webhook_deliveries SET lease_owner = @owner, lease_expires_at = {leaseNow} + @lease, attempts = attempts + 1
            WHERE id IN (
                SELECT d.id FROM webhook_deliveries d
                WHERE d.state = '{Pending}' AND d.next_attempt_at <= @now
                  AND (d.next_attempt_at, d.id) > (@after_at, @after_id)
                  AND (d.lease_expires_at IS NULL OR d.lease_expires_at < {leaseNow})
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries e
                      WHERE e.state = '{Pending}' AND e.connection_row_id = d.connection_row_id AND e.url = d.url AND e.id < d.id
                      {lookup})
                ORDER BY d.next_attempt_at, d.id
                {dialect.Limit("max")}
                {dialect.SkipLocked})
            RETURNING id, attempts, environment_id, url, body, window_started_at, next_attempt_at
            """;
    }

    /// <summary>
    /// The delivered marks of a batch in one statement (PostgreSQL: one round trip over unnest, returning the ids it
    /// marked; SQLite: one prepared statement stepped per row, in one transaction, each row's change count saying
    /// whether it was marked). Each row still carries its own lease check.
    /// </summary>
    internal static string DeliveredSql(SqlDialect d) => $"""
        UPDATE webhook_deliveries SET state = '{DeliveryStates.Delivered}', delivered_at = @now, last_status = {d.Row("s")}, last_error = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        {d.UpdateFromRows("i", "a", "s")}
        WHERE id = {d.Row("i")} AND lease_owner = @owner AND attempts = {d.Row("a")} AND {StillPending}
        {d.ReturningChanged("id")}
        """;

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken) =>
        ClaimAsync(owner, max, now, leaseMicros, ClaimCursor.Start, cancellationToken);

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int max, long now, long leaseMicros, ClaimCursor after, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedDelivery>();
        await RunRelaxedAsync(
            async (connection, transaction) =>
            {
                await using var command = connection.Command(_claimSql, transaction)
                    .With("owner", owner).With("lease", leaseMicros).With("now", now).With("max", (long)max)
                    .With("after_at", after.NextAttemptAt).With("after_id", after.Id);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    claimed.Add(new ClaimedDelivery(
                        new DeliveryLease(reader.GetInt64(0), owner, Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)),
                        reader.GetInt64(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.GetInt64(5),
                        reader.GetInt64(6)));
                }
            },
            cancellationToken);

        // Oldest first, whatever order RETURNING gave them in.
        claimed.Sort((a, b) => a.Lease.Id.CompareTo(b.Lease.Id));
        return claimed;
    }

    public async Task<bool> MarkDeliveredAsync(DeliveryLease lease, int status, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command($"""
            UPDATE webhook_deliveries SET state = '{DeliveryStates.Delivered}', delivered_at = @now, last_status = @status, last_error = NULL,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE id = @id AND lease_owner = @owner AND attempts = @attempt AND {StillPending}
            """).With("now", now).With("status", status).With("id", lease.Id).With("owner", lease.Owner).With("attempt", lease.Attempt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<long>> MarkDeliveredManyAsync(IReadOnlyList<DeliveredAttempt> delivered, long now, CancellationToken cancellationToken)
    {
        var recorded = new List<long>(delivered.Count);
        if (delivered.Count == 0)
        {
            return recorded;
        }

        // One worker records only its own claims; a batch of another owner's would be a caller's bug.
        var owner = delivered[0].Lease.Owner;
        if (delivered.Any(a => !string.Equals(a.Lease.Owner, owner, StringComparison.Ordinal)))
        {
            throw new ArgumentException("Every delivery of a batch must be claimed by the same owner.", nameof(delivered));
        }

        var batch = new RowBatch(delivered.Count)
            .Shared("now", now)
            .Shared("owner", owner)
            .Int64("i", i => delivered[i].Lease.Id)
            .Int64("a", i => delivered[i].Lease.Attempt)
            .Int64("s", i => delivered[i].Status);
        var dialect = _database.Dialect;
        await RunRelaxedAsync(
            (connection, transaction) => dialect.ExecuteRowsChangedAsync(connection, transaction, _deliveredSql, batch, "i", recorded.Add, cancellationToken),
            cancellationToken);
        return recorded;
    }

    /// <summary>
    /// Runs a claim or a batch of delivered marks, committed without waiting for a log flush (see the class remarks):
    /// on PostgreSQL the statement carries the relaxed commit itself (<see cref="SqlDialect.RelaxedStatement"/>) and
    /// runs in its own transaction, one round trip instead of three; on SQLite in a transaction with
    /// <c>synchronous=NORMAL</c> (its statement steps per row need one).
    /// </summary>
    private async Task RunRelaxedAsync(Func<DbConnection, DbTransaction?, Task> statement, CancellationToken cancellationToken)
    {
        var dialect = _database.Dialect;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        if (dialect.RelaxesStatementsInline)
        {
            await statement(writer.Connection, null);
            return;
        }

        await using (await dialect.RelaxCommitBeforeBeginAsync(writer.Connection, cancellationToken))
        {
            await using var transaction = await _database.BeginWriteAsync(writer.Connection, cancellationToken);
            await statement(writer.Connection, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task<bool> ReleaseAsync(DeliveryLease lease, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command($"""
            UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1
            WHERE id = @id AND lease_owner = @owner AND attempts = @attempt AND {StillPending}
            """).With("id", lease.Id).With("owner", lease.Owner).With("attempt", lease.Attempt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<string?> MarkFailedAsync(
        DeliveryLease lease, long windowStartedAt, int? status, string failure, long? nextAttemptAt, CancellationToken cancellationToken)
    {
        var dialect = _database.Dialect;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);

        // A manual retry during the attempt reset window_started_at (and made the delivery due): the worker's verdict
        // belonged to the old window, so it neither kills the delivery nor moves its due time.
        await using var command = writer.Connection.Command($"""
            UPDATE webhook_deliveries SET
                state = CASE WHEN @next IS NULL AND window_started_at = @window THEN '{DeliveryStates.Dead}' ELSE '{Pending}' END,
                next_attempt_at = CASE WHEN window_started_at = @window THEN COALESCE(@next, next_attempt_at) ELSE next_attempt_at END,
                last_status = @status, last_error = @error, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = @id AND lease_owner = @owner AND attempts = @attempt AND {StillPending}
            RETURNING state
            """).WithNullable(dialect, "next", nextAttemptAt).With("window", windowStartedAt).WithNullable(dialect, "status", (long?)status)
            .With("error", failure).With("id", lease.Id).With("owner", lease.Owner).With("attempt", lease.Attempt);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public bool LeaseOwnersShareThisHost => _database.Dialect.LeaseOwnersShareThisHost;

    public async Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT DISTINCT lease_owner FROM webhook_deliveries WHERE state = '{Pending}' AND lease_owner IS NOT NULL");
        return await SqlRows.ReadAllAsync<string>(command, _ => row => row.GetString(0), cancellationToken);
    }

    /// <remarks>The attempt the dead owner counted stays counted: it may have been sent before the process died.</remarks>
    public async Task<int> ReleaseLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken)
    {
        if (owners.Count == 0)
        {
            return 0;
        }

        var dialect = _database.Dialect;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command(
            $"UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL WHERE state = '{Pending}' AND {dialect.InList("lease_owner", "owners")}")
            .WithList(dialect, "owners", owners);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(long environmentId, DeliveryFilter filter, CancellationToken cancellationToken)
    {
        var dialect = _database.Dialect;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {ListColumns} FROM webhook_deliveries
            WHERE environment_id = @env AND (@state IS NULL OR state = @state) AND (@run IS NULL OR run_id = @run)
              AND (@connection IS NULL OR connection_id = @connection) AND (@before IS NULL OR id < @before)
            ORDER BY id DESC
            {dialect.Limit("limit")}
            """).With("env", environmentId).WithNullable(dialect, "state", filter.State).WithNullable(dialect, "run", filter.RunId)
            .WithNullable(dialect, "connection", filter.ConnectionId).WithNullable(dialect, "before", filter.BeforeId).With("limit", (long)filter.Limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <remarks>A pending delivery held by a worker keeps its lease: the retry only makes it due now, never sent twice at once.</remarks>
    public async Task<WebhookDelivery?> RetryAsync(long environmentId, long id, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command($"""
            UPDATE webhook_deliveries SET state = '{Pending}', next_attempt_at = @now, window_started_at = @now
            WHERE environment_id = @env AND id = @id
            RETURNING {ListColumns}
            """).With("now", now).With("env", environmentId).With("id", id);
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <remarks>
    /// By id, oldest first, and only up to the first delivery written since <paramref name="queuedBefore"/>: ids and
    /// write times go together, and a window never opens before its write, so nothing past that id can be old enough.
    /// Without that bound an hourly pass that finds nothing to delete read the whole outbox (bodies and all, ~7 GB at
    /// 10,000 runs an hour with "always" on), as no index orders it by time; with it, a pass reads the old prefix
    /// only, which the passes before it emptied. A delivery retried by hand carries its new window and waits its turn.
    /// </remarks>
    public async Task<int> DeleteFinishedAsync(long queuedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var delete = connection.Command($"""
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE state IN ('{DeliveryStates.Delivered}', '{DeliveryStates.Dead}') AND window_started_at < @before
                  AND id < COALESCE((SELECT id FROM webhook_deliveries WHERE created_at >= @before ORDER BY id LIMIT 1), {long.MaxValue})
                ORDER BY id
                {_database.Dialect.Limit("limit")})
            """, transaction).With("before", queuedBefore).With("limit", (long)limit);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<WebhookDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = reader.GetString(6);
            rows.Add(new WebhookDelivery(
                reader.GetInt64(0),
                reader.GetNullableInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                state,
                Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetInt64(8),
                state == Pending ? reader.GetInt64(9) : null,
                reader.GetNullableInt64(10),
                reader.IsDBNull(11) ? null : Convert.ToInt32(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetNullableString(12)));
        }

        return rows;
    }
}
