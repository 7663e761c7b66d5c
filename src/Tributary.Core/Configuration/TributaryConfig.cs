using Tributary.Core.Providers;

namespace Tributary.Core.Configuration;

/// <summary>Everything <c>tributary.yaml</c> declares, already validated.</summary>
public sealed record TributaryConfig(IReadOnlyList<IntegrationConfig> Integrations)
{
    /// <summary>The function assemblies <c>functions:</c> names (paths resolved against the file's folder by the loader).</summary>
    public IReadOnlyList<FunctionAssemblyReference> FunctionAssemblies { get; init; } = [];

    /// <summary>Names the configuration in error messages: the file it was read from.</summary>
    public string SourceName { get; init; } = "tributary.yaml";

    /// <summary>The file's <c>providers:</c>; each overrides a built-in provider of the same name.</summary>
    public IReadOnlyList<ProviderDefinition> Providers { get; init; } = [];

    /// <summary>The file's <c>webhooks:</c> block; null when it has none (the API owns every setting then).</summary>
    public WebhookConfig? Webhooks { get; init; }
}
