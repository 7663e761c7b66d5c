using System.Text.Json.Nodes;
using Tributary.Core.Services;

namespace Tributary.Core.Connect;

/// <summary>A live connect session: the environment it acts for and Nango's fields it was created with.</summary>
/// <param name="TokenHash">The SHA-256 of the token (what every look-up uses; the token itself is never stored).</param>
/// <param name="Body">end_user, organization, allowed_integrations, integrations_config_defaults, tags.</param>
/// <param name="ConnectionId">Set for a reconnect session: the connection whose credentials a flow replaces.</param>
/// <param name="IntegrationKey">Set for a reconnect session: the integration of that connection.</param>
public sealed record ConnectSession(string TokenHash, Tenant Tenant, JsonObject Body, string? ConnectionId, string? IntegrationKey, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt)
{
    /// <summary>Whether the session may connect <paramref name="providerConfigKey"/> (an empty or absent list allows all).</summary>
    public bool Allows(string providerConfigKey) =>
        Body["allowed_integrations"] is not JsonArray { Count: > 0 } allowed
        || allowed.Any(a => (string?)a == providerConfigKey);

    /// <summary>The session's <c>integrations_config_defaults</c> entry for one integration, if any.</summary>
    public JsonObject? DefaultsFor(string providerConfigKey) =>
        Body["integrations_config_defaults"]?[providerConfigKey] as JsonObject;
}

/// <summary>A created session's token (shown once) and its expiry.</summary>
public sealed record CreatedConnectSession(string Token, DateTimeOffset ExpiresAt);
