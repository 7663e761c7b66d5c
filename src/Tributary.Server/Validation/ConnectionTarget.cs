namespace Tributary.Server.Validation;

/// <summary>The connection <c>GET</c>/<c>DELETE /connections/{connectionId}</c> names, and the read options.</summary>
internal sealed record ConnectionTarget(string ConnectionId, string ProviderConfigKey, bool ReturnRefreshToken, bool ForceRefresh);
