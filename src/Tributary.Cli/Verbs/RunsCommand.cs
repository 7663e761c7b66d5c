using Spectre.Console;

namespace Tributary.Cli.Verbs;

/// <summary><c>tributary runs</c> (list), <c>runs show ID</c> and <c>runs cancel ID</c>.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var integration = new Option<string?>("--integration") { Description = "Only runs of this integration (provider config key)" };
        var connection = new Option<string?>("--connection") { Description = "Only runs of this connection" };
        var sync = new Option<string?>("--sync") { Description = "Only runs of this sync" };
        var state = new Option<string?>("--state") { Description = "queued, running, succeeded, failed or cancelled" };
        var batch = new Option<string?>("--batch") { Description = "Only runs of this trigger batch" };
        var limit = new Option<int?>("--limit") { Description = "Runs per page (1-1000, default 20)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after this cursor (a previous next_cursor)" };
        var runs = RemoteOptions.AddTo(new Command("runs", "List runs, newest first (GET /runs); `runs show ID`, `runs cancel ID`."), out var remote);
        runs.Options.Add(integration);
        runs.Options.Add(connection);
        runs.Options.Add(sync);
        runs.Options.Add(state);
        runs.Options.Add(batch);
        runs.Options.Add(limit);
        runs.Options.Add(cursor);
        RemoteVerb.SetAction(runs, remote, async (call, cancellationToken) =>
        {
            var query = new RunListQuery(
                call.Result.GetValue(integration), call.Result.GetValue(connection), call.Result.GetValue(sync), null,
                call.Result.GetValue(state), call.Result.GetValue(batch), call.Result.GetValue(limit) ?? 20, call.Result.GetValue(cursor));
            var page = await call.Client.Runs.ListAsync(query, cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(page, c => c.RunListResponse));
                return ExitCodes.Ok;
            }

            call.Console.Write(RunView.Table(page.Runs));
            if (page.NextCursor is not null)
            {
                call.Console.WriteLine($"More: --cursor {page.NextCursor}");
            }

            return ExitCodes.Ok;
        });
        runs.Subcommands.Add(One("show", "Show one run: state, counts, times and error (GET /runs/{id}).", (call, id, token) => call.Client.Runs.GetAsync(id, token)));
        runs.Subcommands.Add(One("cancel", "Cancel a queued or running run (POST /runs/{id}/cancel) and show it.", (call, id, token) => call.Client.Runs.CancelAsync(id, token)));
        return runs;
    }

    private static Command One(string name, string description, Func<RemoteCall, string, CancellationToken, Task<RunResponse>> fetch)
    {
        var id = new Argument<string>("id") { Description = "The run id (a trigger's run_id)" };
        var command = RemoteOptions.AddTo(new Command(name, description) { id }, out var remote);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var run = await fetch(call, call.Result.GetValue(id)!, cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(run, c => c.RunResponse));
            }
            else
            {
                call.Console.Write(RunView.Detail(run));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
