using System.Text.Json.Nodes;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Services;

/// <summary>What <see cref="ConnectionService.CreateAsync"/> makes a connection of.</summary>
/// <param name="Credentials">Validated by the caller: every credentials object has a <c>type</c>.</param>
/// <param name="MetadataJson">The connection's metadata as a JSON object's text.</param>
public sealed record NewConnectionRequest(string ProviderConfigKey, string ConnectionId, JsonObject Credentials, string MetadataJson)
{
    /// <summary>The connection's <c>connection_config</c> (interpolation inputs such as a subdomain); null for none.</summary>
    public JsonObject? ConnectionConfig { get; init; }

    /// <summary>Nango's <c>webhook_url_override</c> (an absolute http(s) URL); null for none.</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>The end user and tags of the connect session that makes the connection; null for none.</summary>
    public Connect.ConnectionProfile? Profile { get; init; }

    /// <summary>
    /// An import (<c>POST /connections</c>): credentials of another type than the auth mode of the integration's
    /// provider template are refused, as Nango refuses them (a provider without a template is not checked).
    /// </summary>
    public bool MustMatchTheProvidersAuthMode { get; init; }

    /// <summary>Auth webhooks (<c>creation</c>) written with the connection, in its transaction.</summary>
    public IReadOnlyList<OutboxWebhook> Webhooks { get; init; } = [];
}
