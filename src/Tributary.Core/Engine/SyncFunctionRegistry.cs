using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>
/// Finds sync functions by the name configuration uses: built-ins, types an embedding application registers, and
/// types from the function assemblies <c>tributary.yaml</c> names.
/// </summary>
public sealed class SyncFunctionRegistry
{
    private readonly Dictionary<string, RegisteredFunction> _functions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _functions.Keys;

    /// <param name="assemblyFile">The function assembly the type was loaded from by path, or null for a compiled-in one.</param>
    public void Register(string name, Type type, string? assemblyFile = null)
    {
        if (!typeof(ISyncFunction).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} does not implement ISyncFunction.", nameof(type));
        }

        var models = type.GetCustomAttribute<SyncFunctionAttribute>()?.Models ?? [];
        _functions[name] = new RegisteredFunction(name, type, models, assemblyFile);
    }

    /// <summary>Registers a function built by <paramref name="factory"/> for each run, e.g. a <c>rest:</c> sync's executor.</summary>
    public void Register(string name, IReadOnlyList<string> models, Func<IServiceProvider, ISyncFunction> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _functions[name] = new RegisteredFunction(name, typeof(ISyncFunction), models, null) { Factory = factory };
    }

    public void Register(Type type)
    {
        var attribute = type.GetCustomAttribute<SyncFunctionAttribute>()
            ?? throw new ArgumentException($"{type} has no [SyncFunction] attribute; register it with a name.", nameof(type));
        Register(attribute.Name, type);
    }

    public bool Contains(string name) => _functions.ContainsKey(name);

    public RegisteredFunction? Find(string name) => _functions.GetValueOrDefault(name);

    public ISyncFunction Create(string name, IServiceProvider services)
    {
        if (!_functions.TryGetValue(name, out var function))
        {
            throw new InvalidOperationException($"No sync function named '{name}' is registered. Known: {string.Join(", ", _functions.Keys.Order(StringComparer.Ordinal))}.");
        }

        return function.Factory is { } factory ? factory(services) : (ISyncFunction)ActivatorUtilities.CreateInstance(services, function.Type);
    }
}

/// <summary>A function the registry knows.</summary>
/// <param name="Models">The models its <see cref="SyncFunctionAttribute"/> declares; empty means any.</param>
/// <param name="AssemblyFile">The assembly file it was loaded from by path (<c>functions:</c>), or null.</param>
public sealed record RegisteredFunction(string Name, Type Type, IReadOnlyList<string> Models, string? AssemblyFile)
{
    /// <summary>Builds the function instead of <see cref="Type"/>'s constructor, when set (a <c>rest:</c> sync).</summary>
    public Func<IServiceProvider, ISyncFunction>? Factory { get; init; }

    /// <summary>How errors name where the function comes from.</summary>
    public string Origin => Factory is not null ? "rest:" : AssemblyFile ?? Type.Assembly.GetName().Name ?? Type.FullName ?? Name;
}
