using System.CommandLine;
using Tributary.Cli;

// System.CommandLine ends the process 2 s after SIGTERM by default, before `serve` has handed its runs back.
return await TributaryCommandLine.Create().Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout });
