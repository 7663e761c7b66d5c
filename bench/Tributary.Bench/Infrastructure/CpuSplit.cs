using System.Diagnostics;
using System.Globalization;

namespace Tributary.Bench.Infrastructure;

/// <summary>
/// CPU time taken so far by one server process, by every PostgreSQL process of the machine (the bench's throwaway
/// cluster is the only one running) and by the bench process itself: what a phase cost each side, not only how long
/// it took. Linux only (<c>/proc</c>); elsewhere the database's part reads zero.
/// </summary>
internal readonly record struct CpuSplit(TimeSpan Server, TimeSpan Database, TimeSpan Bench)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc's clock ticks.

    public static CpuSplit Take(ServerProcess server) =>
        new(server.CpuTime(), PostgresCpu(), Process.GetCurrentProcess().TotalProcessorTime);

    public static CpuSplit operator -(CpuSplit after, CpuSplit before) =>
        new(after.Server - before.Server, after.Database - before.Database, after.Bench - before.Bench);

    public static CpuSplit operator +(CpuSplit a, CpuSplit b) =>
        new(a.Server + b.Server, a.Database + b.Database, a.Bench + b.Bench);

    /// <summary>Microseconds per item of each part, e.g. <c>server 52 µs, database 38 µs, bench 27 µs</c>.</summary>
    public string PerItem(int items, string serverName) => items <= 0
        ? "no items"
        : string.Create(CultureInfo.InvariantCulture, $"{serverName} {Micros(Server, items):0} µs, database {Micros(Database, items):0} µs, bench process {Micros(Bench, items):0} µs");

    private static double Micros(TimeSpan time, int items) => time.TotalMicroseconds / items;

    private static TimeSpan PostgresCpu()
    {
        if (!Directory.Exists("/proc"))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0]))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd() != "postgres")
                {
                    continue;
                }

                // utime, stime, cutime and cstime are the 14th to 17th fields (the command name before them may hold
                // spaces). The children's part is the postmaster's reaped backends: a backend that exits during the
                // phase moves its time there instead of losing it.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                for (var field = 11; field <= 14; field++)
                {
                    ticks += long.Parse(fields[field], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while we read it: its time is gone with it, as it would be a moment later.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
