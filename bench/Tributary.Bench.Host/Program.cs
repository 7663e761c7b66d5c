using Tributary.Bench.Functions;
using Tributary.Cli;
using Tributary.Hosting;

var root = TributaryCommandLine.Create(services =>
{
    foreach (var (name, type) in BenchSyncFunctions.ByName)
    {
        services.AddSyncFunction(name, type);
    }
});
return await root.Parse(args).InvokeAsync();
