using Spectre.Console;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli.Verbs;

/// <summary><c>tributary records</c>: one page of cached records, with the cursor of the next.</summary>
internal static class RecordsCommand
{
    private const int DataWidth = 100;

    public static Command Create()
    {
        var integration = new Argument<string>("provider-config-key");
        var connection = new Argument<string>("connection-id");
        var model = new Argument<string>("model");
        var limit = new Option<int?>("--limit") { Description = "Records per page (1-10000, default 100)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after this cursor" };
        var variant = new Option<string?>("--variant") { Description = "The sync variant (base when absent)" };
        var filter = new Option<string?>("--filter") { Description = "Comma list of added, updated, deleted" };
        var command = RemoteOptions.AddTo(new Command("records", "Read cached records (GET /records).") { integration, connection, model }, out var remote);
        command.Options.Add(limit);
        command.Options.Add(cursor);
        command.Options.Add(variant);
        command.Options.Add(filter);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var request = new RecordRequest(call.Result.GetValue(integration)!, call.Result.GetValue(connection)!, call.Result.GetValue(model)!)
            {
                Limit = call.Result.GetValue(limit),
                Cursor = call.Result.GetValue(cursor),
                Variant = call.Result.GetValue(variant),
                Filter = call.Result.GetValue(filter),
            };
            var page = await call.Client.Records.GetPageAsync(request, cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(page, c => c.RecordsPage));
                return ExitCodes.Ok;
            }

            var table = Terminal.Table("id", "last action", "modified at", "data");
            foreach (var record in page.Records)
            {
                var metadata = record["_nango_metadata"];
                table.Row(Text(record["id"]), Text(metadata?["last_action"]), Text(metadata?["last_modified_at"]), Data(record));
            }

            call.Console.Write(table);
            call.Console.WriteLine(page.NextCursor is { } next ? $"{page.Records.Count} record(s). More: --cursor {next}" : $"{page.Records.Count} record(s), the last page.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : node?.ToJsonString();

    /// <summary>The record's own fields as compact JSON, cut to fit a row (<c>--json</c> has them whole).</summary>
    private static string Data(JsonObject record)
    {
        var fields = new JsonObject();
        foreach (var (name, value) in record)
        {
            if (name is not ("id" or "_nango_metadata"))
            {
                fields[name] = value?.DeepClone();
            }
        }

        var json = fields.ToJsonString(JsonOutput.Compact);
        return json.Length <= DataWidth ? json : json[..(DataWidth - 1)] + "…";
    }
}
