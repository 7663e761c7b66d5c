using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// At start, hands back at once the runs of a predecessor that died on this host (kill -9, a crash, a power cut),
/// instead of waiting a whole lease for the reaper. Only where every lease owner runs on this host (SQLite): a
/// lease owner is <c>machine:pid:instance</c> (<see cref="SyncWorker"/>), and an owner on this machine whose process
/// is gone, or whose pid is ours under another instance id (a restarted container is pid 1 again), is dead.
/// </summary>
/// <remarks>
/// Several processes may share one SQLite file (an API process beside a worker), so this is a process check, not
/// "every lease is stale": a live owner keeps its runs. A pid reused by an unrelated process only falls back to the
/// lease expiry.
/// </remarks>
public sealed class OrphanedLeases
{
    private readonly IRunQueueStore _runs;
    private readonly LeaseReaper _reaper;
    private readonly ILogger<OrphanedLeases> _logger;

    public OrphanedLeases(IRunQueueStore runs, LeaseReaper reaper, ILogger<OrphanedLeases> logger)
    {
        _runs = runs;
        _reaper = reaper;
        _logger = logger;
    }

    /// <summary>Call before this process's worker claims anything: until then no lease with our pid is ours.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (!_runs.LeaseOwnersShareThisHost)
        {
            return;
        }

        var owners = await _runs.LeaseOwnersAsync(cancellationToken);
        var dead = owners.Where(o => IsDead(o, Environment.MachineName, Environment.ProcessId, IsAlive)).ToList();
        if (dead.Count == 0)
        {
            return;
        }

        var expired = await _runs.ExpireLeasesAsync(dead, cancellationToken);
        _logger.LogWarning("Found {Count} runs leased by processes that are gone ({Owners}); handing them back now.", expired, string.Join(", ", dead));
        await _reaper.ReapAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="owner"/> (<c>machine:pid:instance</c>) is a process of this machine that is gone.</summary>
    internal static bool IsDead(string owner, string machine, int ownPid, Func<int, bool> isAlive)
    {
        var parts = owner.Split(':');
        if (parts.Length < 3
            || !string.Equals(string.Join(':', parts[..^2]), machine, StringComparison.Ordinal)
            || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        return pid == ownPid || !isAlive(pid);
    }

    internal static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
