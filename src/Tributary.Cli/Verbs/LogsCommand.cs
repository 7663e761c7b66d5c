namespace Tributary.Cli.Verbs;

/// <summary><c>tributary logs &lt;run&gt; [--follow]</c>: a run's log (GET /runs/{id}/logs), followed until the run ends.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run-id") { Description = "The run's id (tributary runs)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep reading new lines until the run finishes" };
        var cursor = new Option<string?>("--cursor") { Description = "Start after this line id" };
        var command = RemoteOptions.AddTo(new Command("logs", "Show a run's log (GET /runs/{id}/logs); --follow shows lines as they come.") { run }, out var remote);
        command.Options.Add(follow);
        command.Options.Add(cursor);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            await RunLogPrinter.PrintAsync(
                call.Client, call.Result.GetValue(run)!, call.Result.GetValue(cursor), call.Result.GetValue(follow), call.Json, call.Output, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
