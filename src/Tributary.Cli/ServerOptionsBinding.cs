using System.CommandLine;
using Tributary.Server.Hosting;

namespace Tributary.Cli;

/// <summary>The options every local verb shares (serve, migrate, deploy), each with its TRIBUTARY_* variable.</summary>
internal sealed class ServerOptionsBinding
{
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Data folder for SQLite and keys (TRIBUTARY_DATA_DIR; default ./.tributary)" };

    public Option<string?> Database { get; } = new("--database") { Description = "PostgreSQL connection string or URL (TRIBUTARY_DATABASE_URL); SQLite when absent" };

    public Option<string?> Config { get; } = new("--config") { Description = "Configuration file (TRIBUTARY_CONFIG; default ./tributary.yaml, the demo when missing)" };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Database);
        command.Options.Add(Config);
    }

    public TributaryServerOptions Read(ParseResult result) => new()
    {
        DataDir = result.GetValue(DataDir) ?? Env("TRIBUTARY_DATA_DIR") ?? ".tributary",
        DatabaseUrl = result.GetValue(Database) ?? Env("TRIBUTARY_DATABASE_URL"),
        ConfigPath = result.GetValue(Config) ?? Env("TRIBUTARY_CONFIG") ?? "tributary.yaml",
        SecretKey = Env("TRIBUTARY_SECRET_KEY"),
    };

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
