using Tributary.Cli.Verbs;

namespace Tributary.Cli;

/// <summary>
/// The <c>tributary</c> command line. Hosts that ship extra sync functions (the benchmark's host) build the same
/// command line with their own registrations, so they serve exactly what <c>tributary serve</c> serves.
/// </summary>
public static class TributaryCommandLine
{
    /// <summary>Builds the root command with every verb.</summary>
    /// <param name="configureServices">
    /// Extra registrations for the server <c>serve</c> starts and <c>deploy</c> checks against (e.g.
    /// <c>AddSyncFunction</c>), applied after the server's own.
    /// </param>
    public static RootCommand Create(Action<IServiceCollection>? configureServices = null)
    {
        var root = new RootCommand("Tributary: a self-hosted sync engine that speaks Nango's API.");
        root.Subcommands.Add(ServeCommand.Create(configureServices));
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(DeployCommand.Create(configureServices));
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(DryRunCommand.Create(configureServices));

        // Verbs that talk to a running server, one file per verb group (Verbs/).
        root.Subcommands.Add(TriggerCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(RecordsCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(ConnectionsCommand.Create());
        root.Subcommands.Add(IntegrationsCommand.Create());
        root.Subcommands.Add(OpenCommand.Create());
        return root;
    }
}
