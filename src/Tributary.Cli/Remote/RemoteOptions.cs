namespace Tributary.Cli.Remote;

/// <summary>
/// The options every verb that talks to a server takes: where it is, which key, and <c>--json</c>. Each verb makes its
/// own instance, so one file per verb group adds them without sharing state.
/// </summary>
internal sealed class RemoteOptions
{
    public const string DefaultUrl = "http://127.0.0.1:3003";

    public Option<string?> Url { get; } = new("--url") { Description = "Server URL (TRIBUTARY_URL; default http://127.0.0.1:3003)" };

    // A flag's value is visible to every local user in the process list: the file and the variable are the ways to
    // pass a key; --secret-key stays for compatibility and says so.
    public Option<string?> Key { get; } = new("--secret-key")
    {
        Description = "Secret key. Discouraged: other users can read it in the process list; prefer TRIBUTARY_SECRET_KEY or --secret-key-file",
    };

    public Option<FileInfo?> KeyFile { get; } = new("--secret-key-file")
    {
        Description = "A file holding the secret key (else TRIBUTARY_SECRET_KEY, else ./.tributary/secret-key)",
    };

    public Option<bool> Json { get; } = JsonFlag();

    public static Option<bool> JsonFlag() => new("--json") { Description = "Print JSON for scripts instead of a table" };

    public static T AddTo<T>(T command, out RemoteOptions options)
        where T : Command
    {
        options = new RemoteOptions();
        command.Options.Add(options.Url);
        command.Options.Add(options.Key);
        command.Options.Add(options.KeyFile);
        command.Options.Add(options.Json);
        return command;
    }

    public string ServerUrl(ParseResult result) =>
        result.GetValue(Url) ?? ServerOptionsBinding.ProcessEnv("TRIBUTARY_URL") ?? DefaultUrl;
}
