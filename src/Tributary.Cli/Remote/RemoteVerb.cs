using Spectre.Console;
using Tributary.Client;

namespace Tributary.Cli.Remote;

/// <summary>What a remote verb's action gets: the parsed command line, a client, the console, and whether to print JSON.</summary>
internal sealed record RemoteCall(ParseResult Result, TributaryClient Client, IAnsiConsole Console, bool Json, string Url)
{
    public TextWriter Output => Result.InvocationConfiguration.Output;

    public TextWriter Error => Result.InvocationConfiguration.Error;
}

/// <summary>
/// Runs a remote verb: resolves the URL and key, and turns every failure into one readable line on stderr and a
/// documented exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class RemoteVerb
{
    public static void SetAction(Command command, RemoteOptions options, Func<RemoteCall, CancellationToken, Task<int>> action) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, options, action, cancellationToken));

    private static async Task<int> RunAsync(ParseResult result, RemoteOptions options, Func<RemoteCall, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        var error = result.InvocationConfiguration.Error;
        var url = options.ServerUrl(result);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"error: --url: '{url}' is not an http(s) URL.");
            return ExitCodes.BadInput;
        }

        var keyFile = result.GetValue(options.KeyFile);
        if (keyFile is not null && !keyFile.Exists)
        {
            await error.WriteLineAsync($"error: --secret-key-file: no such file '{keyFile.FullName}'.");
            return ExitCodes.BadInput;
        }

        var key = result.GetValue(options.Key)
            ?? (keyFile is null ? null : (await File.ReadAllTextAsync(keyFile.FullName, cancellationToken)).Trim())
            ?? ServerOptionsBinding.ProcessEnv("TRIBUTARY_SECRET_KEY")
            ?? ReadKeptKey();
        if (string.IsNullOrEmpty(key))
        {
            await error.WriteLineAsync("error: no secret key: set TRIBUTARY_SECRET_KEY or pass --secret-key-file.");
            return ExitCodes.BadInput;
        }

        using var client = new TributaryClient(baseAddress, key);
        try
        {
            var call = new RemoteCall(result, client, Terminal.For(result.InvocationConfiguration), result.GetValue(options.Json), url);
            return await action(call, cancellationToken);
        }
        catch (TributaryApiException ex)
        {
            // One line, the Nango code first so it can be grepped; the message never holds the key (the server's don't).
            await error.WriteLineAsync($"error: {ex.Code}: {OneLine(ex.ErrorMessage)} (HTTP {ex.Status})");
            return ExitCodes.ApiError;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"error: cannot reach {url}: {OneLine(ex.Message)}");
            return ExitCodes.Failed;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string? ReadKeptKey()
    {
        var dataDir = ServerOptionsBinding.ProcessEnv("TRIBUTARY_DATA_DIR") ?? ".tributary";
        var file = Path.Combine(dataDir, "secret-key");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
