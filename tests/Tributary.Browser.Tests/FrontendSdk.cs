using System.Diagnostics;
using System.Security.Cryptography;

namespace Tributary.Browser.Tests;

/// <summary>
/// Nango's <c>@nangohq/frontend</c> as published on npm, pinned in <c>FrontendSdk/package-lock.json</c> and installed
/// with <c>npm ci</c> by the test itself the first time (and again whenever the lockfile changes), so a fresh clone
/// needs nothing but node and npm on the PATH — the same tools the <c>tests/node</c> suite uses.
/// </summary>
internal static class FrontendSdk
{
    public const string Version = "0.71.10";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The package's <c>dist</c> folder, installed if needed.</summary>
    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Tributary.Testing.RepositoryRoot.Path, "tests", "Tributary.Browser.Tests", "FrontendSdk");
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "package-lock.json"), cancellationToken)));
        var stamp = Path.Combine(folder, "node_modules", ".tributary-lock.sha256");
        if (!File.Exists(stamp) || (await File.ReadAllTextAsync(stamp, cancellationToken)).Trim() != lockHash)
        {
            await NpmCiAsync(folder, cancellationToken);
            await File.WriteAllTextAsync(stamp, lockHash, cancellationToken);
        }

        var dist = Path.Combine(folder, "node_modules", "@nangohq", "frontend", "dist");
        return File.Exists(Path.Combine(dist, "index.js"))
            ? dist
            : throw new InvalidOperationException($"npm ci finished but {dist}/index.js is missing.");
    }

    private static async Task NpmCiAsync(string folder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = npm.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm ci in {folder} did not finish within {InstallTimeout.TotalMinutes} minutes.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed ({npm.ExitCode}):\n{await output}\n{await errors}");
        }
    }
}
