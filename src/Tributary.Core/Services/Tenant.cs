namespace Tributary.Core.Services;

/// <summary>The environment a request is scoped to (from its API key); every query takes it.</summary>
public sealed record Tenant(long EnvironmentId, string EnvironmentName);
