using System.Reflection;

namespace Tributary.Storage.Sql;

/// <summary>
/// Applies the numbered SQL files of the database's dialect that are not yet recorded in
/// <c>schema_migrations</c>. Forward-only; the same numbers exist for both dialects (a test checks it).
/// </summary>
/// <remarks>
/// PostgreSQL: under a session advisory lock, so several processes starting together migrate once.
/// SQLite: inside one IMMEDIATE transaction, which is the database-wide write lock.
/// </remarks>
public static class MigrationRunner
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Load(SqlDialect dialect)
    {
        var folder = $".Migrations.{dialect.Name}.";
        var assembly = typeof(MigrationRunner).Assembly;
        var result = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(folder, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[(at + folder.Length)..];
            var version = int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Missing migration resource {resource}");
            using var reader = new StreamReader(stream);
            result.Add((version, name, reader.ReadToEnd()));
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <returns>The versions applied by this call.</returns>
    public static async Task<IReadOnlyList<int>> MigrateAsync(Database database, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var migrations = Load(database.Dialect);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (await database.Dialect.LockForSessionAsync(connection, AdvisoryLock.Migrations, cancellationToken))
        {
            await using (var create = connection.Command(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            var applied = new HashSet<int>();
            await using (var select = connection.Command("SELECT version FROM schema_migrations", transaction))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var done = new List<int>();
            foreach (var (version, name, sql) in migrations)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await using (var apply = connection.Command(sql, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = connection.Command(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)", transaction))
                {
                    record.With("version", version).With("name", name).With("at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                done.Add(version);
            }

            await transaction.CommitAsync(cancellationToken);
            return done;
        }
    }
}
