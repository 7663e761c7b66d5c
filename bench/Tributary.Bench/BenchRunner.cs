using System.Diagnostics;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Bench.Scenarios;
using Tributary.Storage.Sql;

namespace Tributary.Bench;

/// <summary>Runs the suite on each database, prints the figures, checks none is missing, and optionally writes the docs.</summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var started = Stopwatch.GetTimestamp();
        var loadAtStart = MachineInfo.LoadAverage();
        var sink = new FigureSink(options.Profile);
        var failures = new List<string>();
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        Directory.CreateDirectory(options.WorkDir);
        Log.Info($"profile {options.Profile.Name}, databases {string.Join(", ", options.Databases)}, server {options.TributaryDll}, work dir {options.WorkDir}");
        using (var probe = new ProbeListener())
        {
            foreach (var database in options.Databases)
            {
                try
                {
                    await RunDatabaseAsync(options, database, probe, sink, failures, versions, cancel.Token);
                }
                catch (Exception ex) when (!cancel.IsCancellationRequested)
                {
                    failures.Add($"{database}: {ex.Message}");
                    Log.Info($"[{database}] aborted: {ex}");
                }
            }
        }

        var duration = Stopwatch.GetElapsedTime(started);
        // --only produces a part of the figures by design: a failed step fails the run then, not a missing figure.
        var missing = options.Only is not null
            ? []
            : options.Databases.SelectMany(db => sink.Missing(db).Select(name => $"{db}/{name}")).ToList();
        if (options.WriteDocs)
        {
            var path = Path.Combine(options.RepoRoot, "docs", "benchmarks.md");
            var summary = new RunSummary(
                MachineInfo.Capture(), options.Profile, options.CommandLine, TimeProvider.System.GetUtcNow(), duration,
                loadAtStart, MachineInfo.LoadAverage(), versions, failures);
            DocsWriter.Write(path, summary, sink.Figures);
            Log.Info($"wrote {path}");
        }

        Cleanup(options, failures.Count > 0 || missing.Count > 0);
        var met = sink.Figures.Count(f => f.Met == true);
        var missed = sink.Figures.Count(f => f.Met == false);
        Log.Info($"done in {duration.TotalSeconds:0.0} s: {sink.Figures.Count} figures ({met} targets met, {missed} missed), {missing.Count} missing");
        if (missing.Count > 0)
        {
            Log.Info($"missing figures: {string.Join(", ", missing)}");
        }

        foreach (var failure in failures)
        {
            Log.Info($"failed: {failure}");
        }

        return missing.Count == 0 && (options.Only is null || failures.Count == 0) ? 0 : 1;
    }

    private static async Task RunDatabaseAsync(
        BenchOptions options,
        string database,
        ProbeListener probe,
        FigureSink sink,
        List<string> failures,
        Dictionary<string, string> versions,
        CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.WorkDir, database);
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, BenchNames.Config(options.Profile), cancellationToken);
        PostgresCluster? cluster = null;
        try
        {
            if (database == "postgres")
            {
                cluster = await PostgresCluster.StartAsync(options.PostgresUrl, options.RepoRoot, directory, cancellationToken);
                cluster.Keep = options.KeepWorkDir;
            }

            var launch = new ServerLaunch(
                options.TributaryDll,
                Path.Combine(directory, "data"),
                config,
                cluster?.ConnectionString,
                Guid.NewGuid().ToString(),
                Path.Combine(directory, "logs"));
            var handle = cluster is null ? Database.Sqlite(Path.Combine(launch.DataDir, "tributary.db")) : Database.Postgres(cluster.ConnectionString);
            await using var context = new BenchContext(options, database, launch, handle, probe);
            var run = new DatabaseRun(context);
            try
            {
                await run.RunAsync(cancellationToken);
            }
            finally
            {
                versions[database] = await VersionAsync(context);
                context.Results.EmitTo(sink, database);
                failures.AddRange(run.Failures.Select(f => $"{database} {f}"));
            }
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    private static async Task<string> VersionAsync(BenchContext context)
    {
        try
        {
            await using var connection = await context.OpenAsync(CancellationToken.None);
            await using var command = connection.RawCommand(context.IsPostgres ? "SHOW server_version" : "SELECT sqlite_version()");
            return (await command.ExecuteScalarAsync())?.ToString() ?? "?";
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return "?";
        }
    }

    /// <summary>Removes the databases; keeps the server logs when something failed, for the post-mortem.</summary>
    private static void Cleanup(BenchOptions options, bool keepLogs)
    {
        if (options.KeepWorkDir)
        {
            Log.Info($"kept {options.WorkDir}");
            return;
        }

        foreach (var database in options.Databases)
        {
            TryDelete(Path.Combine(options.WorkDir, database, "data"));
        }

        if (keepLogs)
        {
            Log.Info($"server logs kept in {options.WorkDir}");
            return;
        }

        TryDelete(options.WorkDir);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Info($"could not remove {path}: {ex.Message}");
        }
    }
}
