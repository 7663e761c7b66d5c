namespace Tributary.Storage.Sql;

public sealed partial class SqlDialect
{
    /// <summary>
    /// The current time in unix microseconds for lease expiry, written by claims and heartbeats and compared by the
    /// reaper. PostgreSQL: the database server's clock, so workers on hosts whose clocks disagree still agree on
    /// when a lease ends. SQLite: the parameter <c>@now</c> (the caller's <see cref="TimeProvider"/>); every process
    /// of a SQLite database runs on its one host.
    /// </summary>
    /// <remarks>
    /// <c>clock_timestamp()</c>, not <c>now()</c>: <c>now()</c> is the start of the transaction, and a claim that waited
    /// on a lock would write an expiry already partly spent.
    /// </remarks>
    public string LeaseNowMicros => IsPostgres
        ? "(floor(extract(epoch from clock_timestamp()) * 1000000))::bigint"
        : "@now";

    /// <summary>
    /// Whether every process that can hold a lease runs on this host, so a process can tell from a lease owner's
    /// process id that the owner died (SQLite: one host by design, the file is locked through the local file system).
    /// PostgreSQL is shared across hosts: an owner there is only known dead when its lease expires.
    /// </summary>
    public bool LeaseOwnersShareThisHost => !IsPostgres;
}
