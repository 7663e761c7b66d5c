namespace Tributary.Core.Configuration;

/// <summary>Everything <c>tributary.yaml</c> declares, already validated.</summary>
public sealed record TributaryConfig(IReadOnlyList<IntegrationConfig> Integrations);
