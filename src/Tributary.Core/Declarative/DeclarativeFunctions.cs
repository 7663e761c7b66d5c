using Tributary.Core.Configuration;
using Tributary.Core.Engine;

namespace Tributary.Core.Declarative;

/// <summary>Registers an executor for every <c>rest:</c> sync of a configuration, under the name its sync config carries.</summary>
public static class DeclarativeFunctions
{
    /// <summary>The function name of a <c>rest:</c> sync: unique per integration and sync, and never a function's own name (functions have no colon).</summary>
    public static string NameOf(string integrationKey, string syncName) => $"rest:{integrationKey}/{syncName}";

    public static void RegisterAll(TributaryConfig config, SyncFunctionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var integration in config.Integrations)
        {
            foreach (var sync in integration.Syncs)
            {
                if (sync.Rest is { } rest)
                {
                    registry.Register(sync.Function, [rest.Model], _ => new RestSyncFunction(rest));
                }
            }
        }
    }
}
