using System.Diagnostics;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// A PostgreSQL cluster of one test's own, which it may stop and start again on the same port (an outage); the
/// shared test cluster other tests use is never touched. As root the cluster runs as the <c>postgres</c> user.
/// </summary>
internal sealed class DedicatedPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly int _port;

    private DedicatedPostgres(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        _port = port;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=tributary;Database=postgres";

    /// <summary>Initialises and starts a cluster; skips (fails in CI) where the test command gives no PostgreSQL.</summary>
    public static async Task<DedicatedPostgres> StartAsync(CancellationToken cancellationToken)
    {
        TestPostgres.RequireAdminConnectionString();
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        Assert.True(bin is not null, "No PostgreSQL server binaries under /usr/lib/postgresql (scripts/postgres.sh installs them).");
        var directory = Directory.CreateTempSubdirectory("tributary-pg-outage-").FullName;
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres:", directory], cancellationToken);
        }

        var cluster = new DedicatedPostgres(bin, directory, TestServer.FreePort());
        await cluster.AsOwnerAsync("initdb", ["-D", cluster.Data, "-U", "tributary", "--auth=trust", "--encoding=UTF8", "--no-locale"], cancellationToken);
        await cluster.StartAgainAsync(cancellationToken);
        return cluster;
    }

    private string Data => Path.Combine(_directory, "data");

    /// <summary>Stops the server the way an operator restarting it would (fast: sessions are terminated).</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        AsOwnerAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"], cancellationToken);

    public Task StartAgainAsync(CancellationToken cancellationToken) =>
        AsOwnerAsync(
            "pg_ctl",
            ["-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o", $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1", "start"],
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await AsOwnerAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Task AsOwnerAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], cancellationToken)
            : RunAsync(Path.Combine(_bin, tool), args, cancellationToken);

    private static async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }
}
