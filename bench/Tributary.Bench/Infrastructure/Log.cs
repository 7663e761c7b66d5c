using System.Diagnostics;
using System.Globalization;

namespace Tributary.Bench.Infrastructure;

/// <summary>Progress on stderr, so that stdout carries nothing but the figures' JSON lines.</summary>
internal static class Log
{
    private static readonly long Started = Stopwatch.GetTimestamp();

    public static void Info(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench {Stopwatch.GetElapsedTime(Started).TotalSeconds,7:0.0}s] {message}"));
}
