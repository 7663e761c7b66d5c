using System.Text.Json.Nodes;
using Tributary.Core.Security;

namespace Tributary.Core.Connect;

/// <summary>
/// One connection's own OAuth app, as Nango takes it from the popup's query (<c>credentials[oauth_client_id_override]</c>,
/// <c>credentials[oauth_client_secret_override]</c>, which <c>@nangohq/frontend</c> sends): its client id goes into the
/// authorization URL, both are used for the code exchange, and the connection keeps them as its credentials'
/// <c>config_override</c>, where its token refreshes find them.
/// </summary>
/// <remarks>
/// Between the redirect and the callback the override waits in the OAuth state's connection config, encrypted with the
/// credentials key under a name of ours (Nango keeps the secret there in clear), and is taken out of that config
/// before the connection is stored.
/// </remarks>
internal sealed record OAuthClientOverride(string? ClientId, string? ClientSecret)
{
    private const string StateKey = "__tributary_oauth_client_override";

    /// <summary>The override the popup asked for; null when it named neither part.</summary>
    public static OAuthClientOverride? From(IReadOnlyDictionary<string, string>? credentials)
    {
        var id = NonEmpty(credentials, "oauth_client_id_override");
        var secret = NonEmpty(credentials, "oauth_client_secret_override");
        return id is null && secret is null ? null : new OAuthClientOverride(id, secret);
    }

    /// <summary>The config to keep with the OAuth state: <paramref name="config"/> with this override sealed into it (or none).</summary>
    public static JsonObject Seal(OAuthClientOverride? clientOverride, JsonObject config, CredentialProtector protector)
    {
        var kept = (JsonObject)config.DeepClone();
        kept.Remove(StateKey);
        if (clientOverride is not null)
        {
            var plain = new JsonObject { ["client_id"] = clientOverride.ClientId, ["client_secret"] = clientOverride.ClientSecret };
            kept[StateKey] = Convert.ToBase64String(protector.Protect(plain.ToJsonString()));
        }

        return kept;
    }

    /// <summary>Takes the sealed override out of the state's config (which then holds only the connection's own).</summary>
    public static OAuthClientOverride? TakeFrom(JsonObject config, CredentialProtector protector)
    {
        if (config[StateKey] is not JsonValue sealedValue || !sealedValue.TryGetValue<string>(out var sealedText))
        {
            return null;
        }

        config.Remove(StateKey);
        var plain = JsonNode.Parse(protector.Unprotect(Convert.FromBase64String(sealedText)))!;
        return new OAuthClientOverride((string?)plain["client_id"], (string?)plain["client_secret"]);
    }

    /// <summary>Nango's <c>config_override</c> of OAuth2 credentials: the parts that were given.</summary>
    public JsonObject ToConfigOverride()
    {
        var result = new JsonObject();
        if (ClientId is not null)
        {
            result["client_id"] = ClientId;
        }

        if (ClientSecret is not null)
        {
            result["client_secret"] = ClientSecret;
        }

        return result;
    }

    private static string? NonEmpty(IReadOnlyDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
