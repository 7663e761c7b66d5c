using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>Finds sync functions by the name configuration uses: built-ins and types an embedding application registers.</summary>
public sealed class SyncFunctionRegistry
{
    private readonly Dictionary<string, Type> _functions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _functions.Keys;

    public void Register(string name, Type type)
    {
        if (!typeof(ISyncFunction).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} does not implement ISyncFunction.", nameof(type));
        }

        _functions[name] = type;
    }

    public void Register(Type type)
    {
        var attribute = type.GetCustomAttribute<SyncFunctionAttribute>()
            ?? throw new ArgumentException($"{type} has no [SyncFunction] attribute; register it with a name.", nameof(type));
        Register(attribute.Name, type);
    }

    public bool Contains(string name) => _functions.ContainsKey(name);

    public ISyncFunction Create(string name, IServiceProvider services)
    {
        if (!_functions.TryGetValue(name, out var type))
        {
            throw new InvalidOperationException($"No sync function named '{name}' is registered. Known: {string.Join(", ", _functions.Keys.Order(StringComparer.Ordinal))}.");
        }

        return (ISyncFunction)ActivatorUtilities.CreateInstance(services, type);
    }
}
