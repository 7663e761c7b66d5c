using Tributary.Core.Engine;

namespace Tributary.Core.Configuration;

/// <summary>
/// Deploy's check that every sync config can run: its function is registered (built in, registered by the host, or
/// loaded from <c>functions:</c>) and, when the function declares its models, every model the sync lists is one of them.
/// </summary>
public static class FunctionCheck
{
    /// <param name="loadErrors">The function assemblies' load errors, reported with the syncs' in one list.</param>
    /// <param name="unloaded">Function assemblies that failed to load, named in the error of a sync whose function is missing.</param>
    /// <exception cref="ConfigException">A sync cannot run or an assembly did not load; each error names the sync or the file.</exception>
    public static void ThrowIfInvalid(TributaryConfig config, SyncFunctionRegistry registry, IReadOnlyList<ConfigError> loadErrors, IReadOnlyList<string> unloaded)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(loadErrors);
        var errors = new ConfigErrorSink(config.SourceName);
        foreach (var integration in config.Integrations)
        {
            foreach (var sync in integration.Syncs)
            {
                Check(integration, sync, registry, unloaded, errors);
            }
        }

        if (errors.HasErrors || loadErrors.Count > 0)
        {
            throw new ConfigException([.. loadErrors.Concat(errors.Errors).OrderBy(e => e.Line)]);
        }
    }

    private static void Check(IntegrationConfig integration, SyncConfigDefinition sync, SyncFunctionRegistry registry, IReadOnlyList<string> unloaded, ConfigErrorSink errors)
    {
        var label = $"sync '{sync.Name}' of integration '{integration.UniqueKey}'";
        if (registry.Find(sync.Function) is not { } function)
        {
            var known = string.Join(", ", registry.Names.Order(StringComparer.Ordinal));
            var failed = unloaded.Count == 0 ? "" : $"; not loaded: {string.Join(", ", unloaded)}";
            errors.Add(sync.FunctionLine, sync.FunctionPath, $"{label}: no function named '{sync.Function}' (known: {known}{failed})");
            return;
        }

        if (function.Models.Count == 0)
        {
            return;
        }

        var foreign = sync.Models.Where(m => !function.Models.Contains(m, StringComparer.Ordinal)).ToList();
        if (foreign.Count > 0)
        {
            errors.Add(
                sync.FunctionLine,
                sync.FunctionPath,
                $"{label}: function '{function.Name}' ({function.Origin}) saves {string.Join(", ", function.Models)}, not {string.Join(", ", foreign)}");
        }
    }
}
