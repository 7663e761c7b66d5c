using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.Sdk;

namespace Tributary.Hosting;

/// <summary>Registers sync functions with the server a verb builds.</summary>
public static class SyncFunctionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/> under the name of its <see cref="SyncFunctionAttribute"/>, the name
    /// <c>function:</c> refers to in <c>tributary.yaml</c>. The engine creates one instance per run; constructor
    /// parameters come from the container (e.g. <c>ILogger&lt;T&gt;</c>, <see cref="TimeProvider"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no <see cref="SyncFunctionAttribute"/>.</exception>
    public static IServiceCollection AddSyncFunction<T>(this IServiceCollection services)
        where T : class, ISyncFunction
    {
        var attribute = typeof(T).GetCustomAttribute<SyncFunctionAttribute>()
            ?? throw new ArgumentException($"{typeof(T)} has no [SyncFunction(\"name\")] attribute; add one, or register it with AddSyncFunction<T>(name).", nameof(T));
        return services.AddSyncFunction<T>(attribute.Name);
    }

    /// <summary>
    /// Registers <paramref name="type"/> under <paramref name="name"/>, for hosts that find their functions at run time
    /// (e.g. a table of names and types).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> does not implement <see cref="ISyncFunction"/>.</exception>
    public static IServiceCollection AddSyncFunction(this IServiceCollection services, string name, Type type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(ISyncFunction).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new ArgumentException($"{type} is not a class implementing ISyncFunction.", nameof(type));
        }

        return services.AddSingleton(new SyncFunctionRegistration(name, type));
    }
}
