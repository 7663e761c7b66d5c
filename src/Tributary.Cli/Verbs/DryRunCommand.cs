using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.DryRun;
using Tributary.Core.Errors;
using Tributary.Sdk;
using Tributary.Sdk.Testing;
using Tributary.Server.Hosting;

namespace Tributary.Cli.Verbs;

/// <summary>
/// <c>tributary dryrun &lt;integration&gt; &lt;sync&gt; --connection ID</c>: runs the sync's function once against the real
/// connection with an in-memory cache and shows what it would have written; nothing is written (docs/authoring.md).
/// </summary>
internal static class DryRunCommand
{
    /// <param name="configureServices">The host's registrations, so its own functions run (as <c>serve</c> would run them).</param>
    public static Command Create(Action<IServiceCollection>? configureServices = null)
    {
        var binding = new ServerOptionsBinding();
        var integration = new Argument<string>("provider-config-key") { Description = "The integration's unique key" };
        var sync = new Argument<string>("sync") { Description = "The sync's name" };
        var connection = new Option<string>("--connection") { Description = "The connection id", Required = true };
        var variant = new Option<string>("--variant") { Description = "The sync's variant", DefaultValueFactory = _ => "base" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Start from this checkpoint (a JSON object; null for none) instead of the stored one" };
        var metadata = new Option<string?>("--metadata") { Description = "Run with this metadata (a JSON object) instead of the connection's" };
        var saveResponses = new Option<string?>("--save-responses") { Description = "Save every provider answer into this empty folder, as fixtures Tributary.Sdk.Testing's RecordedResponses replays" };
        var json = Remote.RemoteOptions.JsonFlag();
        var command = new Command("dryrun", "Run a sync's function once against a real connection and show its records, checkpoint and provider calls; writes nothing.")
        {
            integration,
            sync,
        };
        binding.AddTo(command);
        command.Options.Add(connection);
        command.Options.Add(variant);
        command.Options.Add(checkpoint);
        command.Options.Add(metadata);
        command.Options.Add(saveResponses);
        command.Options.Add(json);
        command.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            try
            {
                var request = new DryRunRequest(
                    DryRunHost.Environment,
                    result.GetValue(integration)!,
                    result.GetValue(sync)!,
                    result.GetValue(variant) ?? "base",
                    result.GetValue(connection)!);
                request = WithCheckpoint(request, result.GetValue(checkpoint)) with { Metadata = ParseMetadata(result.GetValue(metadata)) };
                var folder = FixtureFolder(result.GetValue(saveResponses));

                await using var host = await DryRunHost.OpenAsync(binding.Read(result), configureServices, cancellationToken);
                var target = await host.Targets.ResolveAsync(request, cancellationToken);
                var outcome = await DryRunExecution.RunAsync(host, target, folder, cancellationToken);
                if (result.GetValue(json))
                {
                    await result.InvocationConfiguration.Output.WriteLineAsync(JsonOutput.Write(DryRunReport.ToJson(outcome)));
                }
                else
                {
                    DryRunReport.WriteSummary(Terminal.For(result.InvocationConfiguration), outcome);
                }

                if (outcome.Failure is { } failure)
                {
                    await error.WriteLineAsync($"error: sync_failed: the function failed: {OneLine($"{failure.GetType().Name}: {failure.Message}")}");
                    return ExitCodes.Failed;
                }

                return ExitCodes.Ok;
            }
            catch (TributaryException ex)
            {
                // One line, the Nango code first, as the remote verbs print the server's errors.
                await error.WriteLineAsync($"error: {ex.Code}: {OneLine(ex.ErrorMessage ?? ex.Code)}");
                return ExitCodes.BadInput;
            }
            catch (ConnectionRefreshException ex)
            {
                await error.WriteLineAsync($"error: refresh_token_external_error: {OneLine(ex.Message)}");
                return ExitCodes.Failed;
            }
        }));
        return command;
    }

    /// <exception cref="InvalidInputException">Not JSON, not an object, or a checkpoint the SDK's rules refuse.</exception>
    private static DryRunRequest WithCheckpoint(DryRunRequest request, string? text)
    {
        if (text is null)
        {
            return request;
        }

        var node = Parse("--checkpoint", "invalid_checkpoint", text);
        if (node is null)
        {
            return request with { StartWithoutCheckpoint = true };
        }

        if (node is not JsonObject value)
        {
            throw new InvalidInputException("invalid_checkpoint", "--checkpoint: must be a JSON object, or null for none.");
        }

        try
        {
            // The test context applies the engine's checkpoint rules; the normalised value is what the function reads.
            var rules = new TestSyncContext([]) { StoredCheckpoint = value };
            return request with { Checkpoint = rules.StoredCheckpoint };
        }
        catch (InvalidRecordsException ex)
        {
            throw new InvalidInputException("invalid_checkpoint", $"--checkpoint: {ex.Message}");
        }
    }

    private static JsonObject? ParseMetadata(string? text) => text is null
        ? null
        : Parse("--metadata", "invalid_metadata", text) as JsonObject
            ?? throw new InvalidInputException("invalid_metadata", "--metadata: must be a JSON object.");

    private static JsonNode? Parse(string option, string code, string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(code, $"{option}: not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The fixtures folder; one already holding recordings is refused, so old and new answers never mix.</summary>
    private static string? FixtureFolder(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) && Directory.EnumerateFiles(full, "*.json").Any())
        {
            throw new InvalidInputException("invalid_save_responses", $"--save-responses: {full} already holds .json files; use an empty or new folder.");
        }

        return full;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
