using System.Data.Common;

namespace Tributary.Storage.Sql;

/// <summary>
/// An open connection for writing that holds a <see cref="WriteGate"/> slot until it is disposed: every write a
/// store makes, in an explicit transaction or a single autocommit statement, goes through one of these.
/// </summary>
public sealed class WriteConnection : IAsyncDisposable
{
    private readonly WriteGate.Slot _slot;

    internal WriteConnection(DbConnection connection, WriteGate.Slot slot)
    {
        Connection = connection;
        _slot = slot;
    }

    public DbConnection Connection { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // The connection first: on SQLite the write lock is the connection's, and the next writer must find it free.
            await Connection.DisposeAsync();
        }
        finally
        {
            _slot.Dispose();
        }
    }
}
