using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tributary.Storage.Sql;

/// <summary>
/// One database: opens connections and begins write transactions the way each dialect needs.
/// </summary>
/// <remarks>
/// SQLite has one writer: write transactions begin IMMEDIATE (Microsoft.Data.Sqlite's default), so two
/// writers queue on the busy timeout instead of failing on upgrade. Every connection runs WAL with
/// synchronous=FULL: an acknowledged write survives a power cut, and at 1,000 rows per commit FULL costs
/// nothing measurable (shared/reference/performance-and-reliability.md §3.1.2).
/// </remarks>
public sealed class Database : IAsyncDisposable
{
    private const string SqlitePragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA cache_size=-8192;";

    private readonly NpgsqlDataSource? _npgsql;
    private readonly NpgsqlDataSource? _npgsqlBulk;
    private readonly NpgsqlDataSource? _npgsqlPages;
    private readonly string? _sqliteConnectionString;

    private Database(
        SqlDialect dialect,
        string description,
        NpgsqlDataSource? npgsql,
        string? sqliteConnectionString,
        WriteGate gate,
        NpgsqlDataSource? npgsqlBulk = null,
        NpgsqlDataSource? npgsqlPages = null)
    {
        Dialect = dialect;
        Description = description;
        _npgsql = npgsql;
        _npgsqlBulk = npgsqlBulk;
        _npgsqlPages = npgsqlPages;
        _sqliteConnectionString = sqliteConnectionString;
        Gate = gate;
    }

    /// <summary>What this database does differently from the other one (the only place that knows).</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Where the data lives, without secrets, for logs.</summary>
    public string Description { get; }

    /// <summary>This process's admission control for writes (see <see cref="WriteGate"/>).</summary>
    public WriteGate Gate { get; }

    /// <summary>
    /// Bulk record writes one process runs at once on PostgreSQL: enough to keep both the database and the
    /// process busy (a batch alternates between preparing rows here and upserting them there), few enough that
    /// a trigger's statements are not one of fifty runnable backends.
    /// </summary>
    public static int DefaultPostgresBulkWriters => Math.Max(2, Environment.ProcessorCount * 2);

    public static Database Sqlite(string filePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(filePath));
        if (!string.IsNullOrEmpty(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        KeepPrivate(filePath);

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Pooling = true,
            DefaultTimeout = 30,
        };
        return new Database(SqlDialect.Sqlite, $"sqlite:{Path.GetFullPath(filePath)}", null, builder.ToString(), WriteGate.Exclusive());
    }

    /// <summary>
    /// The PostgreSQL pool of one process when the connection string sets no <c>Maximum Pool Size</c>: half of
    /// PostgreSQL's default <c>max_connections</c> (100), so two processes fit a default server. A process holds a
    /// connection per running run statement (at most <c>--worker-slots</c>, 16 by default), per bulk write slot
    /// (<see cref="DefaultPostgresBulkWriters"/>, inside the former; a pool of their own carved out of this one, see
    /// <see cref="Postgres"/>), one LISTEN connection and one per API request
    /// being served (a records page from a pool of its own, also carved out of this one: <see cref="OpenPageReadAsync"/>); a request that finds the pool empty waits for a connection rather than failing.
    /// </summary>
    public const int DefaultPostgresPoolSize = 50;

    /// <summary>The PostgreSQL pool's maximum size (the operator's <c>Maximum Pool Size</c>, else the default); null on SQLite.</summary>
    public int? MaxPoolSize { get; private init; }

    /// <summary>
    /// Npgsql's read buffer when the connection string sets no <c>Read Buffer Size</c> (Npgsql's own is 8 KB). A
    /// <c>GET /records</c> page of 100 ~1 KB records is ~120 KB: with 8 KB the streamed page took ~15 socket reads, each
    /// an asynchronous wait and a thread-pool hop that, on a busy two-core machine, queued for a core while PostgreSQL
    /// sat blocked on its full socket (its log showed 4.5 ms to execute a 0.2 ms query). Most pages now arrive in one
    /// or two reads. Costs 128 KB per pooled connection (6.4 MB for the default pool).
    /// </summary>
    public const int DefaultPostgresReadBufferSize = 128 * 1024;

    /// <summary>The PostgreSQL read buffer (the operator's <c>Read Buffer Size</c>, else the default); null on SQLite.</summary>
    public int? ReadBufferSize { get; private init; }

    /// <summary>
    /// How many statements each pooled PostgreSQL connection keeps prepared when the connection string sets no
    /// <c>Max Auto Prepare</c> (Npgsql's own default, 0, prepares none). Npgsql prepares a statement on a connection
    /// once it ran there five times (<c>Auto Prepare Min Usages</c>), so every hot statement is parsed and planned once
    /// per connection instead of on every execution. Why: the <c>GET /records</c> page query (the keyset read with its
    /// owner check) ran at ~500 executions/s unprepared and ~1,050/s prepared on the same PostgreSQL (pgbench,
    /// extended against prepared protocol, one client, 8 s each, docs/architecture.md). The server process has a few
    /// dozen distinct statements; 256 holds them all with room for the shapes a filter or list parameter adds.
    /// </summary>
    public const int DefaultPostgresAutoPrepare = 256;

    /// <summary>The PostgreSQL auto-prepare limit (the operator's <c>Max Auto Prepare</c>, else the default); null on SQLite.</summary>
    public int? MaxAutoPrepare { get; private init; }

    /// <summary>The PostgreSQL bulk-write pool (see <see cref="Postgres"/>); null on SQLite and with a pool under 4.</summary>
    public int? BulkPoolSize { get; private init; }

    /// <summary>
    /// The bulk-write pool's write buffer when the connection string sets no <c>Write Buffer Size</c> (Npgsql's own is
    /// 8 KB): a records batch sends ~1 MB (COPY rows or bound arrays), 128 socket writes — each an asynchronous flush
    /// that may wait for a core on a busy machine — with 8 KB, 8 with 128 KB. Costs 128 KB per bulk connection.
    /// </summary>
    public const int DefaultPostgresBulkWriteBufferSize = 128 * 1024;

    /// <summary>The bulk-write pool's write buffer (the operator's <c>Write Buffer Size</c>, else the default); null without that pool.</summary>
    public int? BulkWriteBufferSize { get; private init; }

    /// <summary>
    /// Records pages one process reads at once on PostgreSQL (<see cref="OpenPageReadAsync"/>): a page query holds its
    /// connection while its rows stream to the client, so a few slow clients must not hold them all; more page queries
    /// at once than this only queue for the cores inside PostgreSQL instead of in the pool.
    /// </summary>
    public static int DefaultPostgresPageReaders => Math.Max(8, Environment.ProcessorCount * 8);

    /// <summary>The records-page pool (see <see cref="OpenPageReadAsync"/>); null on SQLite, with a pool under 8 and without auto-prepare.</summary>
    public int? PageReadPoolSize { get; private init; }

    /// <remarks>
    /// <para>
    /// Bulk writes (<see cref="WriteKind.Bulk"/>: record batches, purges, run-log appends and trims, retention) get a
    /// pool of their own, sized to the write gate's bulk slots and carved out of <c>Maximum Pool Size</c> (the process
    /// still holds at most that many connections), whose connections are not reset when they go back to it
    /// (<c>No Reset On Close</c>). Why: Npgsql resets a pooled connection on its next use with <c>DISCARD ALL</c>,
    /// which drops the session's temporary tables, so the records upsert's staging table
    /// (<c>Stores/SqlRecordsStaging.cs</c>) was created and dropped for every batch — three to four catalog rows
    /// inserted and deleted in <c>pg_class</c>, <c>pg_attribute</c>, <c>pg_type</c> and <c>pg_depend</c> per batch, the catalogs
    /// bloating under ingest and every backend's plans for them going stale.
    /// </para>
    /// <para>
    /// Why it is safe: the only session state a bulk write may leave is that staging table. Every bulk write runs
    /// its statements in its own transaction, takes advisory locks only at transaction level
    /// (<see cref="SqlDialect.TryLockForTransactionAsync"/>), changes settings only with <c>SET LOCAL</c>
    /// (<see cref="SqlDialect.RelaxCommitInTransactionAsync"/>), never LISTENs, prepares nothing itself (Npgsql's auto-prepared
    /// statements are its own, tracked per connection, and stay useful across uses) and leaves no cursor open; a transaction left open rolls back when its <c>DbTransaction</c> is disposed, and a broken connection
    /// never goes back to a pool. Session-level locks, LISTEN and <c>SET</c> stay on the reset pool
    /// (<see cref="OpenAsync"/>). A pool under 4 connections keeps one reset pool for everything.
    /// </para>
    /// </remarks>
    public static Database Postgres(string connectionString)
    {
        var npgsqlConnectionString = ToNpgsqlConnectionString(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(npgsqlConnectionString);
        if (!SetsMaxPoolSize(npgsqlConnectionString))
        {
            // The operator's setting always wins; the default only replaces Npgsql's (100, all of a default server).
            builder.MaxPoolSize = DefaultPostgresPoolSize;
        }

        if (!SetsSetting(npgsqlConnectionString, "ReadBufferSize"))
        {
            builder.ReadBufferSize = DefaultPostgresReadBufferSize;
        }

        if (!SetsSetting(npgsqlConnectionString, "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultPostgresAutoPrepare;
        }

        var total = builder.MaxPoolSize;
        var description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        if (total < 4)
        {
            return new Database(SqlDialect.Postgres, description, new NpgsqlDataSourceBuilder(builder.ConnectionString).Build(), null, WriteGate.Shared(DefaultPostgresBulkWriters))
            {
                MaxPoolSize = total,
                ReadBufferSize = builder.ReadBufferSize,
                MaxAutoPrepare = builder.MaxAutoPrepare,
            };
        }

        // The gate admits exactly as many bulk writes as the bulk pool holds: a bulk write never waits for a connection.
        var bulkSlots = Math.Min(DefaultPostgresBulkWriters, total / 2);
        // Without auto-prepare (e.g. behind a transaction-mode pooler, which also refuses startup options) a generic plan
        // would be made again for every page: pages then stay on the main pool.
        var pageSlots = total >= 8 && builder.MaxAutoPrepare > 0 ? Math.Min(DefaultPostgresPageReaders, (total - bulkSlots) / 2) : 0;
        var bulk = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            MaxPoolSize = bulkSlots,
            MinPoolSize = 0,
            NoResetOnClose = true,
        };
        if (!SetsSetting(npgsqlConnectionString, "WriteBufferSize"))
        {
            bulk.WriteBufferSize = DefaultPostgresBulkWriteBufferSize;
        }

        var pages = pageSlots == 0 ? null : PageReadConnectionString(builder, pageSlots);
        builder.MaxPoolSize = total - bulkSlots - pageSlots;
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return new Database(
            SqlDialect.Postgres,
            description,
            new NpgsqlDataSourceBuilder(builder.ConnectionString).Build(),
            null,
            WriteGate.Shared(bulkSlots),
            BulkDataSource(bulk.ConnectionString),
            pages is null ? null : new NpgsqlDataSourceBuilder(pages).Build())
        {
            MaxPoolSize = total,
            BulkPoolSize = bulkSlots,
            PageReadPoolSize = pageSlots == 0 ? null : pageSlots,
            BulkWriteBufferSize = bulk.WriteBufferSize,
            ReadBufferSize = builder.ReadBufferSize,
            MaxAutoPrepare = builder.MaxAutoPrepare,
        };
    }

    /// <summary>
    /// The bulk-write pool: every physical connection is given the records upsert's staging table when it is opened
    /// (<c>Stores/SqlRecordsStaging.cs</c>), and keeps it, since this pool is not reset; a batch then sends no statement
    /// to make sure of it.
    /// </summary>
    private static NpgsqlDataSource BulkDataSource(string connectionString) =>
        new NpgsqlDataSourceBuilder(connectionString)
            .UsePhysicalConnectionInitializer(
                connection =>
                {
                    using var create = connection.Command(Stores.SqlRecordStore.CreateStageSql);
                    create.ExecuteNonQuery();
                },
                async connection =>
                {
                    await using var create = connection.Command(Stores.SqlRecordStore.CreateStageSql);
                    await create.ExecuteNonQueryAsync();
                })
            .Build();

    /// <summary>
    /// The records-page pool: generic plans for every statement (<c>plan_cache_mode</c> as a startup option, the session's
    /// own default) and no reset on close. See <see cref="OpenPageReadAsync"/> for why both are safe there.
    /// </summary>
    private static string PageReadConnectionString(NpgsqlConnectionStringBuilder main, int size)
    {
        var pages = new NpgsqlConnectionStringBuilder(main.ConnectionString)
        {
            MaxPoolSize = size,
            MinPoolSize = 0,
            NoResetOnClose = true,
        };
        pages.Options = string.IsNullOrWhiteSpace(pages.Options)
            ? "-c plan_cache_mode=force_generic_plan"
            : pages.Options + " -c plan_cache_mode=force_generic_plan";
        return pages.ConnectionString;
    }

    /// <summary>Whether the connection string names the pool's maximum size under any of Npgsql's spellings.</summary>
    private static bool SetsMaxPoolSize(string connectionString) =>
        SetsSetting(connectionString, "MaximumPoolSize") || SetsSetting(connectionString, "MaxPoolSize");

    /// <summary>Whether the connection string names <paramref name="compactName"/> (spaces and case ignored).</summary>
    private static bool SetsSetting(string connectionString, string compactName)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys;
        foreach (string key in keys)
        {
            if (key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals(compactName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Records are readable by the file's owner only: a new database file is created 0600 before SQLite opens it
    /// (SQLite gives its <c>-wal</c> and <c>-shm</c> files the database file's mode), and files an older version
    /// left 0644 are narrowed.
    /// </summary>
    private static void KeepPrivate(string filePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var created = new FileStream(filePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly });
        }
        catch (IOException) when (File.Exists(filePath))
        {
            // Exists already (or another process created it a moment ago): narrowed below.
        }

        foreach (var file in new[] { filePath, filePath + "-wal", filePath + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~ownerOnly) != 0)
            {
                File.SetUnixFileMode(file, ownerOnly);
            }
        }
    }

    /// <summary>Accepts both key=value connection strings and postgres:// URLs.</summary>
    public static string ToNpgsqlConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
        }

        return builder.ConnectionString;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_npgsql is not null)
        {
            return await _npgsql.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);

        // The settings belong to the native connection, which the pool keeps across opens: set them once per handle
        // (five statements on every open were a measurable share of a one-row read).
        var state = SqliteHandleState.Of(connection);
        if (!state.Configured)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = SqlitePragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            state.Configured = true;
        }

        return connection;
    }

    /// <summary>
    /// A connection for one records page's keyset query (<c>SqlRecordStore.StreamPageAsync</c>, <c>GET /records</c>): on
    /// PostgreSQL from a pool of its own, carved out of <c>Maximum Pool Size</c> like the bulk pool, whose statements are
    /// planned once per connection (generic plans) and whose connections are not reset when they go back to it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why: PostgreSQL planned the auto-prepared page query on every execution. Its generic plan (the same walk of
    /// <c>records_by_seq</c>) is costed with <c>LIMIT $n</c> taken as a tenth of the rows, so the plan cache kept choosing a
    /// custom plan, and planning (the owner check's join and the range's selectivity) was about as long as running the
    /// query. Npgsql's reset (seven statements: <c>RESET ALL</c>, <c>DISCARD TEMP</c>, …) ran before every page on top.
    /// Measured on one connection paging 100 ~1 KB records, PostgreSQL's CPU per page was ~480 µs planned per page with
    /// the reset and ~240 µs generic without it (docs/benchmarks.md notes, 2026-12-05 pgread).
    /// </para>
    /// <para>
    /// Why it is safe: this pool runs only the page query — one autocommit <c>SELECT</c>, no transaction, no
    /// <c>SET</c>, no temporary table, no lock, no <c>LISTEN</c>; its reader is disposed (and the rest of its rows
    /// discarded) before the connection goes back, and a broken connection never does. So a reset would find nothing to
    /// reset but Npgsql's own auto-prepared statements, which are meant to stay. <c>plan_cache_mode</c> is set in the
    /// startup packet, so it is the session's default and not state a statement left. A generic plan is right for
    /// every parameter value of the page query: <c>records_by_seq</c> gives the rows in <c>seq</c> order from
    /// <c>@after</c> and the scan stops at the limit, whatever the dataset's size or statistics
    /// (<c>RecordsPagePlanTests</c>); a page with an <c>ids</c> list stays on the main pool, where the planner sees the
    /// list. SQLite, pools under 8 connections and <c>Max Auto Prepare=0</c> read pages on <see cref="OpenAsync"/>.
    /// </para>
    /// </remarks>
    public async Task<DbConnection> OpenPageReadAsync(CancellationToken cancellationToken) =>
        _npgsqlPages is { } pages ? await pages.OpenConnectionAsync(cancellationToken) : await OpenAsync(cancellationToken);

    /// <summary>Waits for a write slot of <paramref name="kind"/>, then opens a connection that holds it until disposed.</summary>
    public async Task<WriteConnection> OpenWriteAsync(WriteKind kind, CancellationToken cancellationToken)
    {
        var slot = await Gate.EnterAsync(kind, cancellationToken);
        try
        {
            var connection = kind == WriteKind.Bulk && _npgsqlBulk is { } bulk
                ? await bulk.OpenConnectionAsync(cancellationToken)
                : await OpenAsync(cancellationToken);
            return new WriteConnection(connection, slot);
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>Begins a write transaction the dialect's way (see <see cref="SqlDialect.BeginWriteAsync"/>).</summary>
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Dialect.BeginWriteAsync(connection, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_npgsql is not null)
        {
            await _npgsql.DisposeAsync();
            if (_npgsqlBulk is not null)
            {
                await _npgsqlBulk.DisposeAsync();
            }

            if (_npgsqlPages is not null)
            {
                await _npgsqlPages.DisposeAsync();
            }
        }
        else
        {
            // Pooled SQLite connections keep the file open; release this database's (its pool only: clearing every
            // pool closes other databases' idle connections under their feet).
            using var connection = new SqliteConnection(_sqliteConnectionString);
            SqliteConnection.ClearPool(connection);

            // The released native connections stay open until their kept statements are finalized.
            SqliteHandleState.ReleaseClosed();
        }
    }
}
