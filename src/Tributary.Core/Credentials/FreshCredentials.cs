using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Core.Providers;

namespace Tributary.Core.Credentials;

/// <summary>A connection's usable credentials with what is needed to apply them: its config and its provider's template.</summary>
/// <param name="Provider">The template of the integration's provider; null for a provider not in the catalogue (e.g. <c>sample-data</c>).</param>
public sealed record FreshCredentials(StoredCredentials Stored, JsonObject Credentials, JsonObject ConnectionConfig, ProviderDefinition? Provider)
{
    public string? Type => (string?)Credentials["type"];

    /// <summary>The bearer token: an OAUTH2 access token or an OAUTH2_CC token; null for other kinds.</summary>
    public string? AccessToken => Type switch
    {
        "OAUTH2" => (string?)Credentials["access_token"],
        "OAUTH2_CC" => (string?)Credentials["token"],
        _ => null,
    };

    public string? RefreshToken => Type == "OAUTH2" ? (string?)Credentials["refresh_token"] : null;

    /// <summary>What <c>${name}</c> placeholders of the template stand for (reference §C.3–C.4).</summary>
    public string? Lookup(string name)
    {
        const string ConfigPrefix = "connectionConfig.";
        const string CredentialsPrefix = "credentials.";
        if (name.StartsWith(ConfigPrefix, StringComparison.Ordinal))
        {
            return Scalar(ConnectionConfig[name[ConfigPrefix.Length..]]);
        }

        if (name.StartsWith(CredentialsPrefix, StringComparison.Ordinal))
        {
            return Scalar(Credentials[name[CredentialsPrefix.Length..]]);
        }

        return name switch
        {
            "accessToken" => AccessToken,
            "apiKey" or "username" or "password" => Scalar(Credentials[name]),
            _ => null,
        };
    }

    private static string? Scalar(JsonNode? node) =>
        node is JsonValue value ? value.ToString() : null;
}
