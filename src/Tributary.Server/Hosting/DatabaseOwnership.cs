using Tributary.Storage.Sql;

namespace Tributary.Server.Hosting;

/// <summary>
/// Makes the server's service container close the database it opened when the app is disposed. The
/// <see cref="Database"/> is registered as an instance (its stores share it), and a container never disposes an
/// instance it was given; without this, every stopped server left its PostgreSQL pools (up to
/// <see cref="Database.DefaultPostgresPoolSize"/> connections) open until Npgsql's idle pruning, minutes later. A test
/// run that starts hundreds of servers in one process reached 876 idle backends of PostgreSQL's 1,000 that way, and a
/// CI run failed a request with a 500 — most likely PostgreSQL's "too many clients" (the exception was not logged).
/// </summary>
internal sealed class DatabaseOwnership(Database database) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => database.DisposeAsync();
}
