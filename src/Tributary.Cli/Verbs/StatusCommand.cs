using System.Globalization;

namespace Tributary.Cli.Verbs;

/// <summary><c>tributary status</c>: each sync's state, schedule, counts and current run.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var integration = new Argument<string>("provider-config-key");
        var syncs = new Option<string>("--syncs") { Description = "* or a comma list of name[::variant]", DefaultValueFactory = _ => "*" };
        var connection = new Option<string?>("--connection") { Description = "One connection" };
        var command = RemoteOptions.AddTo(new Command("status", "Show sync status (GET /sync/status).") { integration }, out var remote);
        command.Options.Add(syncs);
        command.Options.Add(connection);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var query = new StatusQuery(call.Result.GetValue(syncs) ?? "*", call.Result.GetValue(integration)!, call.Result.GetValue(connection));
            var status = await call.Client.Syncs.GetStatusAsync(query, cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(status, c => c.SyncStatusListResponse));
                return ExitCodes.Ok;
            }

            var table = Terminal.Table("connection", "sync", "status", "frequency", "next run", "last finished", "records", "running");
            foreach (var sync in status.Syncs)
            {
                var records = string.Join(", ", sync.RecordCount.Select(c => $"{c.Key} {c.Value.ToString(CultureInfo.InvariantCulture)}"));
                table.Row(
                    sync.ConnectionId,
                    sync.Variant == "base" ? sync.Name : $"{sync.Name}::{sync.Variant}",
                    sync.Status,
                    sync.Frequency,
                    sync.NextScheduledSyncAt,
                    sync.FinishedAt,
                    records.Length == 0 ? "-" : records,
                    sync.CurrentRun is { } run ? $"run {run.Id}" : "-");
            }

            call.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
