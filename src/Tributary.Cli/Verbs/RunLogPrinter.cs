using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli.Verbs;

/// <summary>
/// <c>tributary logs</c>: reads a run's log page by page and prints one line per log line
/// (<c>time level source message</c>), or each line's JSON on a line of its own with <c>--json</c>; with follow, long-polls until the server says the run's log is done.
/// </summary>
internal static class RunLogPrinter
{
    /// <summary>A follow long-polls at most this long per request; the server answers sooner when lines come.</summary>
    private const int FollowWaitSeconds = 25;

    /// <summary>Bounds a follow: a run with no line for this many long polls in a row (about 12 hours) is left.</summary>
    private const int MaxIdlePolls = 12 * 60 * 60 / FollowWaitSeconds;

    public static async Task PrintAsync(TributaryClient client, string runId, string? cursor, bool follow, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var idle = 0;
        while (idle < MaxIdlePolls)
        {
            var page = await client.RunLogsAsync(runId, cursor, null, follow, follow ? FollowWaitSeconds : null, cancellationToken);
            var lines = page?["lines"]?.AsArray() ?? [];
            foreach (var line in lines)
            {
                await output.WriteLineAsync(json ? line?.ToJsonString() : Format(line));
            }

            cursor = (string?)page?["next_cursor"] ?? cursor;
            var hasMore = (bool?)page?["has_more"] ?? false;
            var done = (bool?)page?["done"] ?? true;
            if (hasMore)
            {
                idle = 0;
                continue;
            }

            if (!follow || done)
            {
                return;
            }

            idle = lines.Count == 0 ? idle + 1 : 0;
        }
    }

    private static string Format(JsonNode? line)
    {
        var level = ((string?)line?["level"] ?? string.Empty).ToUpperInvariant();
        return $"{(string?)line?["at"]} {level,-5} {(string?)line?["source"],-8} {(string?)line?["message"]}";
    }
}
