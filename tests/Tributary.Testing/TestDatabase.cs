using Tributary.Storage.Sql;

namespace Tributary.Testing;

public enum TestDialect
{
    Sqlite,
    Postgres,
}

/// <summary>A migrated database of one dialect for one test: a temp SQLite file, or a fresh PostgreSQL database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _directory;

    private TestDatabase(Database database, string? connectionString, string? directory)
    {
        Database = database;
        ConnectionString = connectionString;
        _directory = directory;
    }

    public Database Database { get; }

    /// <summary>The PostgreSQL connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(TestDialect dialect, CancellationToken cancellationToken, bool migrate = true)
    {
        TestDatabase database;
        if (dialect == TestDialect.Postgres)
        {
            var connectionString = await TestPostgres.CreateDatabaseAsync(cancellationToken);
            database = new TestDatabase(Database.Postgres(connectionString), connectionString, null);
        }
        else
        {
            var directory = Directory.CreateTempSubdirectory("tributary-test-").FullName;
            database = new TestDatabase(Database.Sqlite(Path.Combine(directory, "test.db")), null, directory);
        }

        if (migrate)
        {
            await MigrationRunner.MigrateAsync(database.Database, TimeProvider.System, cancellationToken);
        }

        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A pooled handle may linger a moment; the temp folder is cleaned by the OS later.
            }
        }
    }
}
