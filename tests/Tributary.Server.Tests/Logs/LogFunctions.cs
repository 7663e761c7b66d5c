using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tributary.Sdk;

namespace Tributary.Server.Tests.Logs;

/// <summary>
/// Calls the provider the careless way: its token in a query string and in its own log line, then a call that
/// answers 500 — and throws as most functions would (EnsureSuccessStatusCode).
/// </summary>
internal sealed class ProviderFailFunction : ISyncFunction
{
    public const string Name = "provider-fail";

    /// <summary>
    /// The connection's API key as the test imports it. Credentials are applied by the run's handler chain, so a
    /// function cannot read them from its client; a careless function that has the key anyway (from its own settings)
    /// is what the scrubber must catch.
    /// </summary>
    public const string Token = "tok_live_5f2c9a7e41b84d0c9e3b";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        const string token = Token;
        context.Logger.LogInformation("Calling the provider with token {Token}", token);
        using (var items = await context.Http.GetAsync(new Uri($"items?access_token={token}&page=1", UriKind.Relative), cancellationToken))
        {
            items.EnsureSuccessStatusCode();
        }

        using var failing = await context.Http.GetAsync(new Uri("fail", UriKind.Relative), cancellationToken);
        failing.EnsureSuccessStatusCode();
    }
}

/// <summary>A successful run that logs its token, calls the provider with it, saves records and a checkpoint.</summary>
internal sealed class ProviderOkFunction : ISyncFunction
{
    public const string Name = "provider-ok";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        const string header = "Bearer " + ProviderFailFunction.Token;
        context.Logger.LogWarning("Debugging auth: {Header}", header);
        using (var items = await context.Http.GetAsync(new Uri($"items?api_key={ProviderFailFunction.Token}", UriKind.Relative), cancellationToken))
        {
            items.EnsureSuccessStatusCode();
        }

        await context.BatchSaveAsync([new { id = "1", name = "one" }, new { id = "2", name = "two" }], "Item", cancellationToken);
        await context.SaveCheckpointAsync(new System.Text.Json.Nodes.JsonObject { ["page"] = 2 }, cancellationToken);
    }
}

/// <summary>Logs far more than any cap: <see cref="Lines"/> lines of about 100 bytes, and one record batch every 1,000.</summary>
internal sealed class ChattyFunction : ISyncFunction
{
    public const string Name = "chatty";
    public const int Lines = 20_000;

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Lines; i++)
        {
            context.Logger.LogInformation("line {Index}: {Padding}", i.ToString("D6", CultureInfo.InvariantCulture), new string('x', 80));
            if (i % 1_000 == 0)
            {
                await context.BatchSaveAsync([new { id = i.ToString(CultureInfo.InvariantCulture) }], "Item", cancellationToken);
            }
        }

        context.Logger.LogInformation("last function line");
    }
}

/// <summary>Logs "step N" each time the test lets it go on, and returns after the last step.</summary>
internal sealed class SteppedFunction : ISyncFunction
{
    public const string Name = "stepped";
    public const int Steps = 2;

    /// <summary>One channel per connection id: the test writes to let the run take its next step.</summary>
    public static ConcurrentDictionary<string, Channel<bool>> Gates { get; } = new(StringComparer.Ordinal);

    public static Channel<bool> GateOf(string connectionId) => Gates.GetOrAdd(connectionId, _ => Channel.CreateUnbounded<bool>());

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var gate = GateOf(context.ConnectionId);
        for (var step = 1; step <= Steps; step++)
        {
            await gate.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            context.Logger.LogInformation("step {Step}", step);
        }
    }
}

/// <summary>
/// Logs that it waits, then waits for its gate without heeding cancellation (a function finishing its own clean-up),
/// logs again and stops if it was cancelled meanwhile: its last lines come after its run has ended.
/// </summary>
internal sealed class StubbornFunction : ISyncFunction
{
    public const string Name = "stubborn";

    public const string Waiting = "cleaning up before stopping";

    public const string Done = "cleaned up";

    /// <summary>One gate per connection id: the test opens it to let the function go on.</summary>
    public static ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new(StringComparer.Ordinal);

    public static TaskCompletionSource GateOf(string connectionId) =>
        Gates.GetOrAdd(connectionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        context.Logger.LogInformation(Waiting);
        await GateOf(context.ConnectionId).Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        context.Logger.LogInformation(Done);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Saves <see cref="Records"/> records and succeeds.</summary>
internal sealed class AlwaysOkFunction : ISyncFunction
{
    public const string Name = "always-ok";
    public const int Records = 3;

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken) =>
        await context.BatchSaveAsync([.. Enumerable.Range(0, Records).Select(i => new { id = $"{context.ConnectionId}-{i}" })], "Item", cancellationToken);
}
