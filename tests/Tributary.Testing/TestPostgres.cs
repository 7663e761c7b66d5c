using Npgsql;

namespace Tributary.Testing;

/// <summary>
/// The throwaway PostgreSQL cluster the test command starts (scripts/postgres.sh) is named by
/// TRIBUTARY_TEST_POSTGRES. Each fixture gets a database of its own, so test classes run in parallel.
/// Without the variable the PostgreSQL half of a test skips locally and fails in CI.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "TRIBUTARY_TEST_POSTGRES";

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string RequireAdminConnectionString()
    {
        if (AdminConnectionString is { } value)
        {
            return value;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{Variable} is not set in CI: the test command must start PostgreSQL (scripts/test.sh does).");
        }

        Assert.Skip($"{Variable} is not set; run scripts/test.sh to start a throwaway PostgreSQL.");
        return string.Empty;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var admin = RequireAdminConnectionString();
        var name = "t_" + Guid.NewGuid().ToString("N");
        var builder = new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        builder.Database = name;
        builder.Pooling = true;
        return builder.ConnectionString;
    }
}
