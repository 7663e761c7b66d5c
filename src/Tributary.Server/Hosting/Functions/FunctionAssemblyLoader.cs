using System.Reflection;
using Tributary.Core.Configuration;
using Tributary.Core.Engine;
using Tributary.Sdk;

namespace Tributary.Server.Hosting.Functions;

/// <summary>
/// Loads the function assemblies <c>tributary.yaml</c> names (<c>functions:</c>) and registers every
/// <c>[SyncFunction]</c> class in them, so the stock binary runs functions it was not built with.
/// </summary>
internal static class FunctionAssemblyLoader
{
    /// <summary>Loads each assembly once per process: a second build of the app (tests, deploy then serve) reuses it.</summary>
    private static readonly Dictionary<string, IReadOnlyList<(string Name, Type Type)>> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <returns>
    /// What went wrong (an assembly missing, not a .NET assembly, whose types do not load, holding no function, or
    /// repeating a function name), each error naming the file; and the files that did not load.
    /// </returns>
    public static FunctionLoadResult RegisterAll(TributaryConfig config, SyncFunctionRegistry registry)
    {
        var errors = new List<ConfigError>();
        var unloaded = new List<string>();
        foreach (var reference in config.FunctionAssemblies)
        {
            try
            {
                foreach (var (name, type) in Load(reference.FullPath))
                {
                    if (registry.Find(name) is { } existing)
                    {
                        errors.Add(Error(config, reference, $"{reference.FullPath}: function '{name}' is already registered by {existing.Origin}"));
                        continue;
                    }

                    registry.Register(name, type, reference.FullPath);
                }
            }
            catch (FunctionAssemblyException exception)
            {
                errors.Add(Error(config, reference, $"cannot load {reference.FullPath}: {exception.Message}"));
                unloaded.Add(reference.FullPath);
            }
        }

        return new FunctionLoadResult(errors, unloaded);
    }

    private static ConfigError Error(TributaryConfig config, FunctionAssemblyReference reference, string message) =>
        new(config.SourceName, reference.Line, reference.ConfigPath, message);

    private static IReadOnlyList<(string Name, Type Type)> Load(string path)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(path, out var known))
            {
                return known;
            }

            var functions = Discover(LoadAssembly(path));
            Loaded[path] = functions;
            return functions;
        }
    }

    private static Assembly LoadAssembly(string path)
    {
        if (!File.Exists(path))
        {
            throw new FunctionAssemblyException("file not found");
        }

        try
        {
            return new FunctionLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException)
        {
            throw new FunctionAssemblyException("not a .NET assembly");
        }
        catch (Exception exception) when (exception is FileLoadException or IOException or UnauthorizedAccessException)
        {
            throw new FunctionAssemblyException(exception.Message);
        }
    }

    private static List<(string Name, Type Type)> Discover(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException exception)
        {
            var first = exception.LoaderExceptions.FirstOrDefault(e => e is not null)?.Message ?? exception.Message;
            throw new FunctionAssemblyException($"its types do not load (is a dependency missing from its folder or deps.json?): {first}");
        }
        catch (FileNotFoundException exception)
        {
            throw new FunctionAssemblyException($"a dependency is missing: {exception.Message}");
        }

        var functions = new List<(string, Type)>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            var attribute = type.GetCustomAttribute<SyncFunctionAttribute>();
            if (attribute is null)
            {
                continue;
            }

            if (!typeof(ISyncFunction).IsAssignableFrom(type))
            {
                // The usual cause: the assembly carries its own Tributary.Sdk of another identity, so its
                // ISyncFunction is not the host's.
                throw new FunctionAssemblyException($"{type.FullName} has [SyncFunction] but does not implement this server's Tributary.Sdk ISyncFunction");
            }

            functions.Add((attribute.Name, type));
        }

        return functions.Count > 0
            ? functions
            : throw new FunctionAssemblyException("it holds no sync function (a class implementing ISyncFunction marked [SyncFunction(\"name\")])");
    }
}

/// <summary>The load errors of the function assemblies, and the files that did not load.</summary>
internal sealed record FunctionLoadResult(IReadOnlyList<ConfigError> Errors, IReadOnlyList<string> Unloaded);

/// <summary>Why one function assembly could not be used; the loader adds the file and the config line.</summary>
internal sealed class FunctionAssemblyException(string message) : Exception(message);
