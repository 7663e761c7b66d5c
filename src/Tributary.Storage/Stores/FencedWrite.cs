using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// The start every write of a run's records shares: a bulk write slot, a write transaction, and the run's lease
/// checked and row-locked first inside it without a write (<see cref="RunFencing.LockLeaseAsync"/>). The caller counts
/// the write as the attempt's progress in the one UPDATE of the run it makes before committing
/// (<see cref="RunFencing.SaveResultAsync"/> or <see cref="RunFencing.CountProgressAsync"/>). Disposing rolls back what
/// was not committed and gives the slot back.
/// </summary>
internal sealed class FencedWrite : IAsyncDisposable
{
    private readonly WriteConnection _writer;

    private FencedWrite(WriteConnection writer, DbTransaction transaction)
    {
        _writer = writer;
        Transaction = transaction;
    }

    public DbConnection Connection => _writer.Connection;

    public DbTransaction Transaction { get; }

    /// <exception cref="Tributary.Sdk.LeaseLostException">The run no longer holds its lease; nothing was written.</exception>
    public static Task<FencedWrite> BeginAsync(Database database, RunFence fence, CancellationToken cancellationToken) =>
        OpenAsync(database, fence, cancellationToken);

    /// <summary>
    /// The slot and the transaction without the lease check: the caller checks and locks the run itself in the
    /// command of its first write, ahead of that write (PostgreSQL's records batch, <c>SqlRecordsStaging.cs</c>, saves
    /// the round trip), and may only read or fill its session's staging table before it.
    /// </summary>
    public static Task<FencedWrite> BeginUncheckedAsync(Database database, CancellationToken cancellationToken) =>
        OpenAsync(database, null, cancellationToken);

    private static async Task<FencedWrite> OpenAsync(Database database, RunFence? fence, CancellationToken cancellationToken)
    {
        var writer = await database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        DbTransaction? transaction = null;
        try
        {
            transaction = await database.BeginWriteAsync(writer.Connection, cancellationToken);
            if (fence is not null)
            {
                await RunFencing.LockLeaseAsync(writer.Connection, transaction, database.Dialect, fence, cancellationToken);
            }

            return new FencedWrite(writer, transaction);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await writer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync();
        }
        finally
        {
            await _writer.DisposeAsync();
        }
    }
}
