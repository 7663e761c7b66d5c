using Tributary.Core.Domain;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The connection credential store's refresh lease, on both databases.</summary>
public abstract class RefreshLeaseContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// A process whose clock runs five minutes ahead cannot take a refresh lease another still holds on PostgreSQL,
    /// whose processes may sit on several hosts: expiry is the database's clock there, as for the run queue's leases.
    /// SQLite's processes share one host's clock, which the caller passes.
    /// </summary>
    [Fact]
    public async Task RefreshLease_HeldByOneProcess_IsNotTakenByAnotherWhoseClockRunsAhead_OnPostgres()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var credentials = new SqlConnectionCredentialStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var now = Micros.Now(TimeProvider.System);
        const long Lease = 60_000_000;
        const long FiveMinutes = 300_000_000;

        Assert.True(await credentials.TryLeaseAsync(connection.Id, "on-time", now, Lease, Token));
        var takenAhead = await credentials.TryLeaseAsync(connection.Id, "ahead", now + FiveMinutes, Lease, Token);

        Assert.Equal(Dialect == TestDialect.Sqlite, takenAhead);
        Assert.False(await credentials.TryLeaseAsync(connection.Id, "on-time-too", now, Lease, Token));
    }
}

public sealed class SqliteRefreshLeaseTests : RefreshLeaseContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRefreshLeaseTests : RefreshLeaseContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
