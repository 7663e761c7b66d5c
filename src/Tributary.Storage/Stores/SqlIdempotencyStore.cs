using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The <c>idempotency_keys</c> table; see <see cref="IIdempotencyStore"/>. Status 0 marks a reservation.</summary>
/// <remarks>
/// Expired rows are not deleted by the request path except when their key comes back (the upsert takes them
/// over); a sweep of the whole table runs at most once an hour per process, so the table stays small without an index
/// on <c>created_at</c> or a background job.
/// </remarks>
internal sealed class SqlIdempotencyStore : IIdempotencyStore
{
    private const long SweepEveryMicros = 3_600_000_000;

    /// <summary>A reservation this old belongs to a process that died mid-request; the key is taken over.</summary>
    private const long AbandonedAfterMicros = 300_000_000;

    private readonly Database _database;
    private long _nextSweepAt;

    public SqlIdempotencyStore(Database database)
    {
        _database = database;
    }

    public async Task<IdempotencyReservation> ReserveAsync(
        long environmentId,
        string key,
        string requestHash,
        long now,
        long expiredBefore,
        CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        if (Interlocked.Read(ref _nextSweepAt) <= now)
        {
            Interlocked.Exchange(ref _nextSweepAt, now + SweepEveryMicros);
            await using var sweep = connection.Command("DELETE FROM idempotency_keys WHERE created_at < @expired").With("expired", expiredBefore);
            await sweep.ExecuteNonQueryAsync(cancellationToken);
        }

        // One statement: inserts, or takes over an expired or abandoned row; a live row is left alone (0 rows).
        await using (var reserve = connection.Command("""
            INSERT INTO idempotency_keys (environment_id, key, request_hash, status, response, created_at)
            VALUES (@env, @key, @hash, 0, '', @now)
            ON CONFLICT (environment_id, key) DO UPDATE
                SET request_hash = excluded.request_hash, status = 0, response = '', created_at = excluded.created_at
                WHERE idempotency_keys.created_at < @expired OR (idempotency_keys.status = 0 AND idempotency_keys.created_at < @abandoned)
            """).With("env", environmentId).With("key", key).With("hash", requestHash).With("now", now).With("expired", expiredBefore)
            .With("abandoned", now - AbandonedAfterMicros))
        {
            if (await reserve.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return IdempotencyReservation.Ours;
            }
        }

        await using var select = connection.Command("SELECT request_hash, status, response FROM idempotency_keys WHERE environment_id = @env AND key = @key")
            .With("env", environmentId).With("key", key);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Released between the two statements: the caller may simply retry.
            return new IdempotencyReservation(false, null, 0, null);
        }

        return new IdempotencyReservation(false, reader.GetString(0), (int)reader.GetInt64(1), reader.GetString(2));
    }

    public async Task CompleteAsync(long environmentId, string key, int status, string response, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await CompleteAsync(writer.Connection, null, environmentId, key, status, response, cancellationToken);
    }

    /// <summary>Stores the answer of a reserved key inside the caller's transaction (the trigger's: one commit for both).</summary>
    internal static async Task CompleteAsync(
        DbConnection connection,
        DbTransaction? transaction,
        long environmentId,
        string key,
        int status,
        string response,
        CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "UPDATE idempotency_keys SET status = @status, response = @response WHERE environment_id = @env AND key = @key AND status = 0", transaction)
            .With("status", status).With("response", response).With("env", environmentId).With("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseAsync(long environmentId, string key, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command("DELETE FROM idempotency_keys WHERE environment_id = @env AND key = @key AND status = 0")
            .With("env", environmentId).With("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
