using Spectre.Console;

namespace Tributary.Cli.Verbs;

/// <summary><c>tributary connections</c>: the environment's connections, one page at a time.</summary>
internal static class ConnectionsCommand
{
    public static Command Create()
    {
        var integration = new Option<string?>("--integration") { Description = "Only connections of these integrations (comma list of keys)" };
        var limit = new Option<int?>("--limit") { Description = "Connections per page (1-10000, default 100)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after this cursor (a previous next_cursor)" };
        var command = RemoteOptions.AddTo(new Command("connections", "List connections (GET /connections)."), out var remote);
        command.Options.Add(integration);
        command.Options.Add(limit);
        command.Options.Add(cursor);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var query = new ConnectionListQuery(null, call.Result.GetValue(integration), call.Result.GetValue(limit) ?? 100, call.Result.GetValue(cursor));
            var page = await call.Client.Connections.ListAsync(query, cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(page, c => c.ConnectionListResponse));
                return ExitCodes.Ok;
            }

            var table = Terminal.Table("connection", "integration", "provider", "created", "errors", "metadata");
            foreach (var connection in page.Connections)
            {
                table.Row(connection.ConnectionId, connection.ProviderConfigKey, connection.Provider, connection.Created, connection.Errors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), connection.Metadata.Json);
            }

            call.Console.Write(table);
            if (page.NextCursor is not null)
            {
                call.Console.WriteLine($"More: --cursor {page.NextCursor}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
