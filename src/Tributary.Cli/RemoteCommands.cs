using System.CommandLine;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli;

/// <summary>Verbs that talk to a running server through its HTTP API (the same calls any Nango client makes).</summary>
internal static class RemoteCommands
{
    private static readonly Option<string?> Url = new("--url") { Description = "Server URL (TRIBUTARY_URL; default http://127.0.0.1:3003)" };
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
    // A flag's value is visible to every local user in the process list: the file and the variable are the ways to
    // pass a key; --secret-key stays for compatibility and says so.
    private static readonly Option<string?> Key = new("--secret-key")
    {
        Description = "Secret key. Discouraged: other users can read it in the process list; prefer TRIBUTARY_SECRET_KEY or --secret-key-file",
    };

    private static readonly Option<FileInfo?> KeyFile = new("--secret-key-file")
    {
        Description = "A file holding the secret key (else TRIBUTARY_SECRET_KEY, else ./.tributary/secret-key)",
    };

    public static Command Trigger()
    {
        var integration = new Argument<string>("provider-config-key");
        var syncs = new Argument<string[]>("syncs") { Arity = ArgumentArity.ZeroOrMore, Description = "Sync names (name or name::variant); none means all" };
        var connection = new Option<string?>("--connection") { Description = "One connection; all connections of the integration when absent" };
        var reset = new Option<bool>("--reset") { Description = "Clear the checkpoint and last sync date first" };
        var emptyCache = new Option<bool>("--empty-cache") { Description = "With --reset: also delete the cached records" };
        var command = new Command("trigger", "Trigger a one-off run of syncs (POST /sync/trigger).") { integration, syncs };
        AddCommon(command);
        command.Options.Add(connection);
        command.Options.Add(reset);
        command.Options.Add(emptyCache);
        command.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var body = new JsonObject
            {
                ["provider_config_key"] = result.GetValue(integration),
                ["syncs"] = new JsonArray((result.GetValue(syncs) ?? []).Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            };
            if (result.GetValue(connection) is { } c)
            {
                body["connection_id"] = c;
            }

            if (result.GetValue(reset) || result.GetValue(emptyCache))
            {
                body["opts"] = new JsonObject { ["reset"] = result.GetValue(reset), ["emptyCache"] = result.GetValue(emptyCache) };
            }

            return await client.TriggerAsync(body, cancellationToken);
        }));
        return command;
    }

    public static Command Status()
    {
        var integration = new Argument<string>("provider-config-key");
        var syncs = new Option<string>("--syncs") { Description = "* or a comma list of name[::variant]", DefaultValueFactory = _ => "*" };
        var connection = new Option<string?>("--connection") { Description = "One connection" };
        var command = new Command("status", "Show sync status (GET /sync/status).") { integration };
        AddCommon(command);
        command.Options.Add(syncs);
        command.Options.Add(connection);
        command.SetAction((result, cancellationToken) => RunAsync(result, client =>
            client.StatusAsync(result.GetValue(integration)!, result.GetValue(syncs) ?? "*", result.GetValue(connection), cancellationToken)));
        return command;
    }

    public static Command Records()
    {
        var integration = new Argument<string>("provider-config-key");
        var connection = new Argument<string>("connection-id");
        var model = new Argument<string>("model");
        var limit = new Option<int?>("--limit") { Description = "Records per page (1-10000, default 100)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after this cursor" };
        var command = new Command("records", "Read cached records (GET /records).") { integration, connection, model };
        AddCommon(command);
        command.Options.Add(limit);
        command.Options.Add(cursor);
        command.SetAction((result, cancellationToken) => RunAsync(result, client =>
            client.RecordsAsync(result.GetValue(integration)!, result.GetValue(connection)!, result.GetValue(model)!, result.GetValue(cursor), result.GetValue(limit), cancellationToken)));
        return command;
    }

    public static Command Logs()
    {
        var run = new Argument<string>("run-id") { Description = "The run's id (GET /runs)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep reading new lines until the run finishes" };
        var cursor = new Option<string?>("--cursor") { Description = "Start after this line id" };
        var command = new Command("logs", "Show a run's log (GET /runs/{id}/logs); --follow shows lines as they come.") { run };
        AddCommon(command);
        command.Options.Add(follow);
        command.Options.Add(cursor);
        command.SetAction((result, cancellationToken) => RunStreamingAsync(result, (client, output) =>
            RunLogPrinter.PrintAsync(client, result.GetValue(run)!, result.GetValue(cursor), result.GetValue(follow), output, cancellationToken)));
        return command;
    }

    private static void AddCommon(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
        command.Options.Add(KeyFile);
    }

    private static Task<int> RunAsync(ParseResult result, Func<TributaryClient, Task<JsonNode?>> call) =>
        RunStreamingAsync(result, async (client, output) =>
        {
            var response = await call(client);
            await output.WriteLineAsync(response?.ToJsonString(Indented) ?? string.Empty);
        });

    /// <summary>Resolves the server and the key, then lets <paramref name="call"/> write its output; API and network errors become exit codes.</summary>
    private static async Task<int> RunStreamingAsync(ParseResult result, Func<TributaryClient, TextWriter, Task> call)
    {
        var url = result.GetValue(Url) ?? ServerOptionsBinding.ProcessEnv("TRIBUTARY_URL") ?? "http://127.0.0.1:3003";
        var keyFile = result.GetValue(KeyFile);
        if (keyFile is not null && !keyFile.Exists)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"--secret-key-file: no such file '{keyFile.FullName}'.");
            return ExitCodes.BadInput;
        }

        var key = result.GetValue(Key)
            ?? (keyFile is null ? null : (await File.ReadAllTextAsync(keyFile.FullName)).Trim())
            ?? ServerOptionsBinding.ProcessEnv("TRIBUTARY_SECRET_KEY")
            ?? ReadKeptKey();
        if (string.IsNullOrEmpty(key))
        {
            await result.InvocationConfiguration.Error.WriteLineAsync("No secret key: set TRIBUTARY_SECRET_KEY or pass --secret-key-file.");
            return ExitCodes.BadInput;
        }

        using var client = new TributaryClient(new Uri(url), key);
        try
        {
            await call(client, result.InvocationConfiguration.Output);
            return ExitCodes.Ok;
        }
        catch (TributaryApiException ex)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync(ex.Body);
            return ExitCodes.ApiError;
        }
        catch (HttpRequestException ex)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"Cannot reach {url}: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static string? ReadKeptKey()
    {
        var dataDir = ServerOptionsBinding.ProcessEnv("TRIBUTARY_DATA_DIR") ?? ".tributary";
        var file = Path.Combine(dataDir, "secret-key");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
