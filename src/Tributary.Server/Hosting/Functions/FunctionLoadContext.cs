using System.Reflection;
using System.Runtime.Loader;

namespace Tributary.Server.Hosting.Functions;

/// <summary>
/// The load context of one function assembly: its own dependencies come from its <c>deps.json</c> (so two function
/// assemblies may use different versions of a library), while the Sdk, the logging and DI abstractions and the
/// framework come from the host, so that <c>SyncContext</c>, <c>ISyncFunction</c> and <c>ILogger</c> are the host's
/// types and the engine can call the function.
/// </summary>
internal sealed class FunctionLoadContext : AssemblyLoadContext
{
    private static readonly HashSet<string> Shared = new(StringComparer.OrdinalIgnoreCase)
    {
        "Tributary.Sdk",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "netstandard",
        "mscorlib",
        "System",
    };

    private readonly AssemblyDependencyResolver _resolver;

    public FunctionLoadContext(string assemblyPath)
        : base($"functions:{Path.GetFileName(assemblyPath)}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    public static bool IsShared(AssemblyName name) =>
        name.Name is { } simple && (Shared.Contains(simple) || simple.StartsWith("System.", StringComparison.OrdinalIgnoreCase));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Null defers to the default context: the host's copy, which is what makes the shared types the same types.
        if (IsShared(assemblyName))
        {
            return null;
        }

        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
