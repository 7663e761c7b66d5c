using Spectre.Console;
using Tributary.Client;

namespace Tributary.Cli.Verbs;

/// <summary><c>tributary trigger</c>: queue runs, and with <c>--wait</c> follow them to their end.</summary>
internal static class TriggerCommand
{
    public static Command Create()
    {
        var integration = new Argument<string>("provider-config-key");
        var syncs = new Argument<string[]>("syncs") { Arity = ArgumentArity.ZeroOrMore, Description = "Sync names (name or name::variant); none means all" };
        var connection = new Option<string?>("--connection") { Description = "One connection; all connections of the integration when absent" };
        var reset = new Option<bool>("--reset") { Description = "Clear the checkpoint and last sync date first" };
        var emptyCache = new Option<bool>("--empty-cache") { Description = "With --reset: also delete the cached records" };
        var wait = new Option<bool>("--wait") { Description = "Follow the run(s) with a progress line until they end; exit 4 if one fails or is cancelled" };
        var timeout = new Option<double>("--timeout") { Description = "With --wait: give up after this many seconds (exit 5; the runs go on)", DefaultValueFactory = _ => 3600 };
        var command = RemoteOptions.AddTo(new Command("trigger", "Trigger a one-off run of syncs (POST /sync/trigger).") { integration, syncs }, out var remote);
        command.Options.Add(connection);
        command.Options.Add(reset);
        command.Options.Add(emptyCache);
        command.Options.Add(wait);
        command.Options.Add(timeout);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var resetting = call.Result.GetValue(reset) || call.Result.GetValue(emptyCache);
            var request = new TriggerRequest(
                call.Result.GetValue(integration)!,
                call.Result.GetValue(connection),
                SyncsClient.Names(call.Result.GetValue(syncs) ?? []),
                resetting ? new TriggerOptions(call.Result.GetValue(reset) || resetting, call.Result.GetValue(emptyCache)) : null);
            var answer = await call.Client.Syncs.TriggerAsync(request, cancellationToken);
            if (!call.Result.GetValue(wait))
            {
                await PrintAsync(call, answer);
                return ExitCodes.Ok;
            }

            var ids = await RunIdsAsync(call.Client, answer, cancellationToken);
            var limit = TimeSpan.FromSeconds(Math.Max(0.1, call.Result.GetValue(timeout)));
            return await RunFollower.FollowAsync(call, ids, limit, cancellationToken);
        });
        return command;
    }

    private static async Task PrintAsync(RemoteCall call, TriggerResponse answer)
    {
        if (call.Json)
        {
            await call.Output.WriteLineAsync(JsonOutput.Write(answer, c => c.TriggerResponse));
            return;
        }

        var table = Terminal.Table("run", "connection", "sync", "outcome");
        foreach (var run in answer.Runs ?? [])
        {
            table.Row(run.RunId, run.ConnectionId, run.Variant == "base" ? run.Sync : $"{run.Sync}::{run.Variant}", run.Outcome);
        }

        call.Console.Write(table);
        var batch = answer.BatchId is { } id ? $" Batch {id}: `tributary runs --batch {id}`." : string.Empty;
        call.Console.WriteLine($"{answer.Counts.Queued} queued, {answer.Counts.Coalesced} coalesced, {answer.Counts.Restarted} restarted.{batch}");
    }

    /// <summary>The runs the trigger's answer names; for a fan-out too large to list them, the batch's runs.</summary>
    private static async Task<IReadOnlyList<string>> RunIdsAsync(TributaryClient client, TriggerResponse answer, CancellationToken cancellationToken)
    {
        if (answer.Runs is { } runs)
        {
            return [.. runs.Select(r => r.RunId).Distinct(StringComparer.Ordinal)];
        }

        var ids = new List<string>();
        var query = new RunListQuery(null, null, null, null, null, answer.BatchId, 1000, null);
        await foreach (var run in client.Runs.ListAllAsync(query, cancellationToken))
        {
            ids.Add(run.Id);
        }

        return ids;
    }
}
