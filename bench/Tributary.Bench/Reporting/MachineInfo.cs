using System.Globalization;
using System.Runtime.InteropServices;

namespace Tributary.Bench.Reporting;

/// <summary>What the figures were measured on, read from /proc and /etc (Linux only, like the bench itself).</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Memory, string OperatingSystem, string Runtime)
{
    public static MachineInfo Capture() => new(
        Environment.ProcessorCount,
        Field("/proc/cpuinfo", "model name", ':') ?? "unknown CPU",
        ReadMemory(),
        $"{Field("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? "Linux"}, kernel {Read("/proc/sys/kernel/osrelease") ?? "?"}",
        RuntimeInformation.FrameworkDescription);

    /// <summary>The 1, 5 and 15 minute load averages: how busy the shared machine was.</summary>
    public static string LoadAverage() => string.Join(' ', (Read("/proc/loadavg") ?? "? ? ?").Split(' ').Take(3));

    private static string ReadMemory()
    {
        var kilobytes = Field("/proc/meminfo", "MemTotal", ':')?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? $"{kb / 1024.0 / 1024:0.0} GiB"
            : "unknown memory";
    }

    private static string? Field(string path, string key, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == key)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
