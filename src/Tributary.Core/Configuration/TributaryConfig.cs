using Tributary.Core.Providers;

namespace Tributary.Core.Configuration;

/// <summary>Everything <c>tributary.yaml</c> declares, already validated.</summary>
public sealed record TributaryConfig(IReadOnlyList<IntegrationConfig> Integrations)
{
    /// <summary>The file's <c>providers:</c>; each overrides a built-in provider of the same name.</summary>
    public IReadOnlyList<ProviderDefinition> Providers { get; init; } = [];

    /// <summary>Where the configuration came from (the file name), for errors found after parsing.</summary>
    public string Source { get; init; } = "tributary.yaml";
}
