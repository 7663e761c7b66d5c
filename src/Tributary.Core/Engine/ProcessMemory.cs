using System.Runtime;
using System.Runtime.InteropServices;

namespace Tributary.Core.Engine;

/// <summary>Gives the memory a process no longer uses back to the operating system (see <see cref="WorkerRest"/>).</summary>
internal static class ProcessMemory
{
    private static readonly Lock Gate = new();
    private static bool _trimUnavailable;
    private static long? _releasedAt;

    /// <summary>
    /// A full, compacting, decommitting collection (<see cref="GCCollectionMode.Aggressive"/>), then on Linux with glibc
    /// <c>malloc_trim(0)</c>, which returns the free pages of every malloc arena (freed native memory otherwise stays
    /// resident in them). At most once per <see cref="WorkerRest.Spacing"/> in a process, however many engines it hosts
    /// (tests run many servers in one process).
    /// </summary>
    /// <returns>Whether it released; false when the process released less than <see cref="WorkerRest.Spacing"/> ago.</returns>
    public static bool Release()
    {
        lock (Gate)
        {
            var now = TimeProvider.System.GetTimestamp();
            if (_releasedAt is { } last && TimeProvider.System.GetElapsedTime(last, now) < WorkerRest.Spacing)
            {
                return false;
            }

            _releasedAt = now;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        return true;
    }

    private static void TrimNativeHeap()
    {
        if (_trimUnavailable || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0); // 1 if memory was released, 0 if there was none to release: either is fine
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to trim with.
            _trimUnavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
