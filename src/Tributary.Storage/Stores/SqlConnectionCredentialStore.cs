using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Credentials, expiry, refresh lease and refresh bookkeeping of connections; see <see cref="IConnectionCredentialStore"/>.
/// </summary>
/// <remarks>
/// The lease is a pair of columns taken with one conditional UPDATE, the same statement on both databases: no
/// database connection or transaction is held while the provider answers (a token request may take seconds, and on
/// SQLite a held write transaction would stop every writer of every process), and a process that dies holding it
/// loses it when it expires.
/// </remarks>
internal sealed class SqlConnectionCredentialStore : IConnectionCredentialStore
{
    /// <summary>The columns <see cref="Read"/> reads, with their FROM clause (also read by a run's target load).</summary>
    internal const string Columns = """
        c.id, c.integration_id, i.unique_key, c.connection_id, i.provider, i.base_url, c.credentials, c.connection_config,
        c.credentials_expires_at, c.last_refresh_success, c.last_refresh_failure, c.refresh_attempts, c.refresh_error
        FROM connections c JOIN integrations i ON i.id = c.integration_id
        """;

    private readonly Database _database;
    private readonly string _tryLeaseSql;

    public SqlConnectionCredentialStore(Database database)
    {
        _database = database;
        var now = database.Dialect.LeaseNowMicros;
        _tryLeaseSql = $"""
            UPDATE connections SET refresh_lease_owner = @owner, refresh_lease_until = {now} + @lease
            WHERE id = @id AND (refresh_lease_owner IS NULL OR refresh_lease_until < {now} OR refresh_lease_owner = @owner)
            """;
    }

    public async Task<StoredCredentials?> GetAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} WHERE c.id = @id").With("id", connectionDbId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The current row of a <see cref="Columns"/> query.</summary>
    internal static StoredCredentials Read(System.Data.Common.DbDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetNullableString(5),
            (byte[])reader.GetValue(6),
            reader.GetString(7),
            reader.GetNullableInt64(8),
            new RefreshStatus(reader.GetNullableInt64(9), reader.GetNullableInt64(10), (int)reader.GetInt64(11), reader.GetNullableString(12)));

    public Task SetConfigAndExpiryAsync(long connectionDbId, string connectionConfigJson, long? expiresAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE connections SET connection_config = @config, credentials_expires_at = @expires WHERE id = @id",
            command => command.With("config", connectionConfigJson).WithNullable(_database.Dialect, "expires", expiresAt).With("id", connectionDbId),
            cancellationToken);

    public async Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long leaseMicros, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            _tryLeaseSql,
            command => command.With("owner", owner).With("lease", leaseMicros).With("id", connectionDbId).With("now", now),
            cancellationToken) == 1;

    public Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE connections SET refresh_lease_owner = NULL, refresh_lease_until = NULL WHERE id = @id AND refresh_lease_owner = @owner",
            command => command.With("id", connectionDbId).With("owner", owner),
            cancellationToken);

    // Written whoever holds the lease now: these are the newest tokens the provider issued, and with rotating
    // refresh tokens the previous refresh token may already be dead. Only a re-authorization since the read (its
    // stamp on last_refresh_success; -1 stands for none in both dialects) wins over them: its grant is newer still.
    public async Task<bool> SaveRefreshedAsync(
        long connectionDbId, string owner, long? lastSuccessRead, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            UPDATE connections SET credentials = @credentials, credentials_expires_at = @expires, updated_at = @now,
                last_refresh_success = @now, last_refresh_failure = NULL, refresh_attempts = 0, refresh_error = NULL,
                refresh_lease_owner = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_owner END,
                refresh_lease_until = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_until END
            WHERE id = @id AND COALESCE(last_refresh_success, -1) = @seen
            """,
            command => command.WithBytes("credentials", encryptedCredentials).WithNullable(_database.Dialect, "expires", expiresAt)
                .With("now", now).With("owner", owner).With("id", connectionDbId).With("seen", lastSuccessRead ?? -1),
            cancellationToken) == 1;

    public async Task<RecordedFailure> RecordFailureAsync(
        long connectionDbId, string owner, long? lastSuccessRead, string failure, long now, IReadOnlyList<OutboxWebhook> firstFailureWebhooks, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        object? attempts;
        await using (var update = connection.Command(
            """
            UPDATE connections SET last_refresh_failure = @now, refresh_attempts = refresh_attempts + 1, refresh_error = @error,
                refresh_lease_owner = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_owner END,
                refresh_lease_until = CASE WHEN refresh_lease_owner = @owner THEN NULL ELSE refresh_lease_until END
            WHERE id = @id AND COALESCE(last_refresh_success, -1) = @seen
            RETURNING refresh_attempts
            """,
            transaction).With("now", now).With("error", failure).With("owner", owner).With("id", connectionDbId).With("seen", lastSuccessRead ?? -1))
        {
            attempts = await update.ExecuteScalarAsync(cancellationToken);
        }

        if (attempts is null)
        {
            return RecordedFailure.Superseded;
        }

        // The count is read in the statement that raised it, so of two processes failing at once only one sees 1.
        var first = Convert.ToInt64(attempts, System.Globalization.CultureInfo.InvariantCulture) == 1;
        var written = first && firstFailureWebhooks.Count > 0;
        if (written)
        {
            await using var outbox = new WebhookOutbox(connection, transaction);
            await outbox.AddAsync(null, firstFailureWebhooks, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written ? RecordedFailure.CountedWithWebhooks : RecordedFailure.Counted;
    }

    public async Task OverrideAsync(
        long connectionDbId,
        string connectionConfigJson,
        byte[] encryptedCredentials,
        long? expiresAt,
        long now,
        ReconnectSessionFields session,
        IReadOnlyList<OutboxWebhook> webhooks,
        CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using (var update = connection.Command(
            """
            UPDATE connections SET credentials = @credentials, connection_config = @config, credentials_expires_at = @expires, updated_at = @now,
                last_refresh_success = @now, last_refresh_failure = NULL, refresh_attempts = 0, refresh_error = NULL,
                webhook_url_override = COALESCE(@override, webhook_url_override), end_user = COALESCE(@end_user, end_user), tags = COALESCE(@tags, tags)
            WHERE id = @id
            """,
            transaction).WithBytes("credentials", encryptedCredentials).With("config", connectionConfigJson)
            .WithNullable(_database.Dialect, "expires", expiresAt).With("now", now).WithNullable(_database.Dialect, "override", session.WebhookUrlOverride)
            .WithNullable(_database.Dialect, "end_user", session.EndUserJson).WithNullable(_database.Dialect, "tags", session.TagsJson)
            .With("id", connectionDbId))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (webhooks.Count > 0)
        {
            await using var outbox = new WebhookOutbox(connection, transaction);
            await outbox.AddAsync(null, webhooks, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ListExpiringAsync(long before, int maxAttempts, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT id FROM connections
            WHERE credentials_expires_at IS NOT NULL AND credentials_expires_at < @before AND refresh_attempts < @max
            ORDER BY credentials_expires_at {_database.Dialect.Limit("limit")}
            """).With("before", before).With("max", maxAttempts).With("limit", limit);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<int> ExecuteAsync(string sql, Func<System.Data.Common.DbCommand, System.Data.Common.DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = bind(writer.Connection.Command(sql));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
