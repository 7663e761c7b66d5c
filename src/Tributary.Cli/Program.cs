using System.CommandLine;
using Tributary.Cli;

var root = new RootCommand("Tributary: a self-hosted sync engine that speaks Nango's API.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(DeployCommand.Create());
root.Subcommands.Add(RemoteCommands.Trigger());
root.Subcommands.Add(RemoteCommands.Status());
root.Subcommands.Add(RemoteCommands.Records());
root.Subcommands.Add(KeysCommand.Create());

// System.CommandLine ends the process 2 s after SIGTERM by default, before `serve` has handed its runs back.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout });
