using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Sdk;

namespace Tributary.TestFunctions;

/// <summary>
/// Calls the fake GitHub-like API through <see cref="SyncContext.Http"/> a few times and, on purpose, logs the
/// <c>Authorization</c> header each call was finally sent with: what a careless function does, so a test can show the
/// run log redacts every token the run held, including one a mid-run refresh brought. Saves one <c>Probe</c> record
/// per call naming the process that ran it, so a test with several worker processes sees which ones did.
/// </summary>
/// <remarks>
/// Metadata: <c>calls</c> (default 1, at most 20) and <c>pause_ms</c> between calls (default 0, at most 10,000), the
/// window in which a test may expire the token.
/// </remarks>
[SyncFunction(Name)]
public sealed class ProviderProbeSyncFunction : ISyncFunction
{
    public const string Name = "test-provider-probe";

    private const string IssuesPath = "repos/octo-org/octo-repo/issues?state=all&per_page=1";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var calls = Math.Clamp(Read(context.Metadata, "calls", 1), 1, 20);
        var pause = TimeSpan.FromMilliseconds(Math.Clamp(Read(context.Metadata, "pause_ms", 0), 0, 10_000));
        for (var call = 1; call <= calls; call++)
        {
            if (call > 1 && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, context.TimeProvider, cancellationToken);
            }

            using var response = await context.Http.GetAsync(new Uri(IssuesPath, UriKind.Relative), cancellationToken);
            var authorization = response.RequestMessage?.Headers.Authorization?.ToString() ?? "(none)";
            context.Logger.LogInformation("Probe call {Call} answered {Status} with Authorization: {Authorization}", call, (int)response.StatusCode, authorization);
            response.EnsureSuccessStatusCode();
            var record = new JsonObject
            {
                ["id"] = call.ToString(CultureInfo.InvariantCulture),
                ["process_id"] = Environment.ProcessId,
                ["status"] = (int)response.StatusCode,
            };
            await context.BatchSaveAsync([record], "Probe", cancellationToken);
        }

        context.Logger.LogInformation("Probe ran in process {ProcessId}", Environment.ProcessId);
    }

    private static int Read(JsonObject metadata, string name, int fallback) =>
        metadata[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : fallback;
}
