using Microsoft.Extensions.DependencyInjection;
using Tributary.Bench.Functions;
using Tributary.Cli;
using Tributary.Core;

var root = TributaryCommandLine.Create(services =>
{
    foreach (var (name, type) in BenchSyncFunctions.ByName)
    {
        services.AddSingleton(new SyncFunctionRegistration(name, type));
    }
});
return await root.Parse(args).InvokeAsync();
