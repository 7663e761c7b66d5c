using Tributary.Core.Configuration;

namespace Tributary.Core.Providers;

/// <summary>
/// The providers this process knows: the built-in catalogue (<c>providers.yaml</c>, embedded) overlaid with the
/// <c>providers:</c> of tributary.yaml, where a name that is already built in replaces the built-in template.
/// </summary>
/// <remarks>
/// The file's providers are set when the configuration is deployed at start (<see cref="Use"/>); every process reads
/// its own tributary.yaml, so processes sharing a database must share the file, as they already do for functions.
/// </remarks>
public sealed class ProviderCatalogue
{
    private const string ResourceName = "Tributary.Core.Providers.providers.yaml";

    private static readonly Lazy<IReadOnlyDictionary<string, ProviderDefinition>> BuiltInProviders = new(() => LoadBuiltIn());

    private volatile IReadOnlyDictionary<string, ProviderDefinition> _providers = BuiltInProviders.Value;

    /// <summary>The built-in templates by name.</summary>
    public static IReadOnlyDictionary<string, ProviderDefinition> BuiltIn => BuiltInProviders.Value;

    /// <summary>Every known template by name (built-in with the file's overrides).</summary>
    public IReadOnlyDictionary<string, ProviderDefinition> All => _providers;

    public ProviderDefinition? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>Replaces the file's providers (a deploy): built-ins overridden by name.</summary>
    public void Use(IReadOnlyList<ProviderDefinition> fromConfig)
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        var merged = new Dictionary<string, ProviderDefinition>(BuiltIn, StringComparer.Ordinal);
        foreach (var provider in fromConfig)
        {
            merged[provider.Name] = provider;
        }

        _providers = merged;
    }

    /// <exception cref="ConfigException">The embedded catalogue is invalid (a build that a test would have caught).</exception>
    public static string ReadBuiltInText()
    {
        using var stream = typeof(ProviderCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The built-in provider catalogue ({ResourceName}) is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static Dictionary<string, ProviderDefinition> LoadBuiltIn() =>
        ConfigLoader.ParseProviders(ReadBuiltInText(), "providers.yaml (built in)").ToDictionary(p => p.Name, StringComparer.Ordinal);
}
