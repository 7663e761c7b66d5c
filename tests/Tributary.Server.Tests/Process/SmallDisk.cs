using System.Diagnostics;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// A small tmpfs of one test's own, mounted on a fresh folder, that the test fills to the last byte with a filler
/// file and frees again. Mounting needs root: elsewhere (or where <c>mount</c> is refused, as in an unprivileged
/// container) the test skips, saying why.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private const string FillerName = "filler.bin";

    private readonly string _mountPoint;
    private bool _mounted;

    private SmallDisk(string mountPoint)
    {
        _mountPoint = mountPoint;
    }

    public string Path => _mountPoint;

    private string Filler => System.IO.Path.Combine(_mountPoint, FillerName);

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB; skips the test where that is impossible.</summary>
    public static async Task<SmallDisk> MountAsync(int megabytes, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip($"A full disk is simulated with a tmpfs, which only root can mount (running as {Environment.UserName} on {Environment.OSVersion.Platform}).");
        }

        var disk = new SmallDisk(Directory.CreateTempSubdirectory("tributary-full-disk-").FullName);
        var (exitCode, output) = await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", disk._mountPoint], cancellationToken);
        if (exitCode != 0)
        {
            Directory.Delete(disk._mountPoint);
            Assert.Skip($"mount -t tmpfs was refused (exit {exitCode}: {output.Trim()}); a full disk cannot be simulated here.");
        }

        disk._mounted = true;
        return disk;
    }

    /// <summary>Writes the filler file until the file system refuses one more byte; returns its size.</summary>
    public async Task<long> FillAsync(CancellationToken cancellationToken)
    {
        await using var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var chunk = new byte[1024 * 1024];

        // Large chunks first, then single pages: tmpfs counts pages, so the last ones fill it exactly. Bounded by
        // the disk's size (no chunk loop can run longer than the disk has pages).
        foreach (var size in new[] { chunk.Length, 64 * 1024, 4096 })
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                try
                {
                    await filler.WriteAsync(chunk.AsMemory(0, size), cancellationToken);
                    await filler.FlushAsync(cancellationToken);
                }
                catch (IOException)
                {
                    filler.SetLength(filler.Length); // drop what the failed write may have buffered
                    break;
                }
            }
        }

        return filler.Length;
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            // Lazy: a server process that did not exit yet still holds files in it; the kernel frees it after.
            await RunAsync("umount", ["-l", _mountPoint], CancellationToken.None);
        }

        Directory.Delete(_mountPoint, recursive: true);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
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
        return (process.ExitCode, await output + await error);
    }
}
