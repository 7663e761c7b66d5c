using System.Diagnostics;
using Npgsql;

namespace Tributary.Bench.Infrastructure;

/// <summary>
/// The PostgreSQL the bench runs against: a throwaway cluster from <c>scripts/postgres.sh</c>, or a given server.
/// Either way the bench works in a database of its own, dropped at the end.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string? _clusterDir;
    private readonly string? _script;
    private readonly string _adminConnectionString;
    private readonly string _databaseName;

    private PostgresCluster(string? clusterDir, string? script, string adminConnectionString, string databaseName)
    {
        _clusterDir = clusterDir;
        _script = script;
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = databaseName }.ConnectionString;
    }

    /// <summary>The bench's own database.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresCluster> StartAsync(string? givenUrl, string repoRoot, string workDir, CancellationToken cancellationToken)
    {
        string? clusterDir = null, script = null;
        string admin;
        if (givenUrl is not null)
        {
            admin = Tributary.Storage.Sql.Database.ToNpgsqlConnectionString(givenUrl);
        }
        else
        {
            script = Path.Combine(repoRoot, "scripts", "postgres.sh");
            clusterDir = Path.Combine(workDir, "pg");
            Log.Info($"starting a throwaway PostgreSQL in {clusterDir}");
            admin = (await RunScriptAsync(script, "start", clusterDir, cancellationToken)).Trim().Split('\n')[^1];
        }

        var name = $"tributary_bench_{Guid.NewGuid():N}"[..28];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PostgresCluster(clusterDir, script, admin, name);
    }

    /// <summary>Leave the bench's database in place (with <c>--keep</c>, for a post-mortem on a given server).</summary>
    public bool Keep { get; set; }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Keep && _script is null)
        {
            Log.Info($"kept database {_databaseName}");
            return;
        }

        if (_script is not null && _clusterDir is not null)
        {
            await RunScriptAsync(_script, "stop", _clusterDir, CancellationToken.None);
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            Log.Info($"could not drop {_databaseName}: {ex.Message}");
        }
    }

    private static async Task<string> RunScriptAsync(string script, string verb, string dir, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash", [script, verb, dir])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {verb} failed with exit code {process.ExitCode}.");
        }

        return output;
    }
}
