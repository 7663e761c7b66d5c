using System.Globalization;
using Microsoft.Extensions.Options;
using Tributary.Core.Engine;
using Tributary.Core.Logs;
using Tributary.Core.Records;
using Tributary.Core.Webhooks;
using Tributary.Server.Hosting;

namespace Tributary.Cli;

/// <summary>
/// The one place the CLI reads settings: a flag wins, else its TRIBUTARY_* variable, else the default. Libraries
/// never read the environment; they receive the options objects built here (validated by the host at start).
/// </summary>
internal sealed class ServerOptionsBinding
{
    private readonly Func<string, string?> _environment;

    public ServerOptionsBinding()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <param name="environment">Looks a variable up (tests pass a dictionary instead of the process's variables).</param>
    internal ServerOptionsBinding(Func<string, string?> environment)
    {
        _environment = environment;
    }

    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Data folder for SQLite and keys (TRIBUTARY_DATA_DIR; default ./.tributary)" };

    public Option<string?> Database { get; } = new("--database") { Description = "PostgreSQL connection string or URL (TRIBUTARY_DATABASE_URL); SQLite in the data folder when absent or empty" };

    public Option<string?> Config { get; } = new("--config") { Description = "Configuration file (TRIBUTARY_CONFIG; default ./tributary.yaml, the demo when missing)" };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Database);
        command.Options.Add(Config);
    }

    /// <exception cref="SettingException">A variable cannot be read as its type.</exception>
    public TributaryServerOptions Read(ParseResult result) => new()
    {
        DataDir = result.GetValue(DataDir) ?? Env("TRIBUTARY_DATA_DIR") ?? ".tributary",
        DatabaseUrl = result.GetValue(Database) ?? Env("TRIBUTARY_DATABASE_URL"),
        ConfigPath = result.GetValue(Config) ?? Env("TRIBUTARY_CONFIG") ?? "tributary.yaml",
        SecretKey = Env("TRIBUTARY_SECRET_KEY"),
        EncryptionKey = Env("TRIBUTARY_ENCRYPTION_KEY"),
        RecordsEncryptionKey = Env("TRIBUTARY_RECORDS_ENCRYPTION_KEY"),
        RecordsRetention = RecordsRetentionOptions.FromDays(WholeNumber(
            RecordsRetentionOptions.SettingName,
            Env(RecordsRetentionOptions.SettingName),
            0,
            "must be a whole number of days (0 or unset turns retention off)")),
        RunsRetention = RunsRetentionOptions.FromDays(WholeNumber(
            RunsRetentionOptions.SettingName,
            Env(RunsRetentionOptions.SettingName),
            RunsRetentionOptions.DefaultDays,
            "must be a whole number of days (0 keeps runs for ever)")),
        RunLogs = (RunLogOptions.Default with
        {
            MaxLinesPerRun = WholeNumber(RunLogOptions.MaxLinesSetting, Env(RunLogOptions.MaxLinesSetting), (int)RunLogOptions.DefaultMaxLines, "must be a whole number of lines"),
            MaxBytesPerRun = WholeNumber(RunLogOptions.MaxBytesSetting, Env(RunLogOptions.MaxBytesSetting), (int)RunLogOptions.DefaultMaxBytes, "must be a whole number of bytes"),
        }).WithRetentionDays(WholeNumber(
            RunLogOptions.RetentionSetting,
            Env(RunLogOptions.RetentionSetting),
            RunLogOptions.DefaultDays,
            "must be a whole number of days (0 keeps run logs for ever)")),
        OtlpEndpoint = Env("TRIBUTARY_OTLP_ENDPOINT"),
        PublicUrl = Env("TRIBUTARY_PUBLIC_URL"),
        MetricsRequireKey = Flag("TRIBUTARY_METRICS_REQUIRE_KEY", Env("TRIBUTARY_METRICS_REQUIRE_KEY")),
        Webhooks = (WebhookOptions.Default with
        {
            RetryFor = TimeSpan.FromSeconds(WholeNumber(
                WebhookOptions.RetrySetting,
                Env(WebhookOptions.RetrySetting),
                (int)WebhookOptions.Default.RetryFor.TotalSeconds,
                "must be a whole number of seconds")),
            Timeout = TimeSpan.FromSeconds(WholeNumber(
                WebhookOptions.TimeoutSetting,
                Env(WebhookOptions.TimeoutSetting),
                (int)WebhookOptions.Default.Timeout.TotalSeconds,
                "must be a whole number of seconds")),
            Concurrency = WholeNumber(WebhookOptions.ConcurrencySetting, Env(WebhookOptions.ConcurrencySetting), WebhookOptions.Default.Concurrency, "must be a whole number"),
            ClaimBatch = WholeNumber(WebhookOptions.ClaimBatchSetting, Env(WebhookOptions.ClaimBatchSetting), WebhookOptions.Default.ClaimBatch, "must be a whole number"),
        }).WithRetentionDays(WholeNumber(
            WebhookOptions.RetentionSetting,
            Env(WebhookOptions.RetentionSetting),
            WebhookOptions.DefaultRetentionDays,
            "must be a whole number of days (0 keeps finished deliveries for ever)")),
    };

    /// <summary>A flag's value, else its variable's, else <paramref name="fallback"/>.</summary>
    public string? Text(ParseResult result, Option<string?> option, string variable, string? fallback = null) =>
        result.GetValue(option) ?? Env(variable) ?? fallback;

    /// <summary>A whole-number flag's value, else its variable's, else <paramref name="fallback"/>.</summary>
    /// <exception cref="SettingException">The variable is not a whole number.</exception>
    public int Int(ParseResult result, Option<int?> option, string variable, int fallback) =>
        result.GetValue(option) ?? WholeNumber(variable, Env(variable), fallback, "must be a whole number");

    /// <summary>A set, non-empty variable, else null (an empty variable counts as unset).</summary>
    public string? Env(string name) => _environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>For the remote verbs, which share no options with the local ones.</summary>
    public static string? ProcessEnv(string name) => new ServerOptionsBinding().Env(name);

    /// <summary>Runs a verb's action, turning an unreadable or invalid setting or configuration file into its message and <see cref="ExitCodes.BadInput"/>.</summary>
    public static async Task<int> GuardAsync(ParseResult result, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is SettingException or OptionsValidationException or Tributary.Core.Security.EncryptionKeyMismatchException or Tributary.Core.Configuration.ConfigException)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }
    }

    private static bool Flag(string variable, string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw new SettingException($"{variable}: must be true or false; got '{text}'."),
    };

    private static int WholeNumber(string variable, string? text, int fallback, string rule)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SettingException($"{variable}: {rule}; got '{text}'.");
    }
}
