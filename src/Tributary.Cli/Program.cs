using Tributary.Cli;

return await TributaryCommandLine.Create().Parse(args).InvokeAsync();
