using System.Text.Json.Nodes;

namespace Tributary.Server.Connect;

/// <summary>
/// The <c>error</c> message of the connect WebSocket, with the <c>error_type</c> Nango sends for the same failure
/// (its server's <c>WSErrBuilder</c>): <c>@nangohq/frontend</c> rejects its <c>auth(...)</c> promise with an
/// <c>AuthError</c> whose <c>type</c> is that value, and products branch on it. A failure Nango has no type for keeps
/// our error code.
/// </summary>
internal static class WebSocketErrors
{
    private static readonly Dictionary<string, string> NangoTypes = new(StringComparer.Ordinal)
    {
        ["invalid_state"] = "state_err",
        ["unknown_provider_config"] = "provider_config_err",
        ["missing_client_id"] = "provider_config_err",
        ["unknown_provider_template"] = "unknown_config_key",
        ["invalid_connection_config"] = "url_param_err",
        ["invalid_auth_mode"] = "auth_mode_err",

        // Nango's callback reports a failed code exchange as its UnknownError, whatever the provider answered.
        ["token_exchange_failed"] = "unknown_err",
    };

    /// <summary>The provider's parameters Nango quotes when the callback has no code, in its order.</summary>
    private static readonly string[] ProviderErrorKeys = ["error", "error_description", "error_reason", "error_uri", "status_code", "error_message"];

    /// <summary>A failure of ours (an API error code) as Nango's WebSocket message, with Nango's text where it has a fixed one.</summary>
    public static JsonObject From(string? providerConfigKey, string? connectionId, string code, string description) =>
        Message(providerConfigKey, connectionId, NangoTypes.GetValueOrDefault(code, code), NangoText(code, providerConfigKey) ?? description);

    /// <summary>Nango's <c>WSErrBuilder</c> texts of the failures whose text says no more than the key.</summary>
    private static string? NangoText(string code, string? providerConfigKey) => code switch
    {
        "unknown_provider_config" => $"Could not find a Provider Config matching the \"{providerConfigKey}\" key.",
        "missing_client_id" => $"Provider Config \"{providerConfigKey}\" is missing client ID, secret and/or scopes.",
        "token_exchange_failed" => "Unknown error during the Oauth flow.",
        _ => null,
    };

    /// <summary>
    /// The provider came back without a code (the user denied consent, say): Nango's <c>callback_err</c>, quoting the
    /// provider's error parameters that are there (trimmed, empty ones left out), as Nango quotes them.
    /// </summary>
    public static JsonObject ProviderSentNoCode(string? providerConfigKey, string? connectionId, IReadOnlyDictionary<string, string> query)
    {
        var parts = ProviderErrorKeys
            .Select(key => (Key: key, Value: query.TryGetValue(key, out var value) ? value.Trim() : string.Empty))
            .Where(part => part.Value.Length > 0)
            .Select(part => $"{part.Key}: {part.Value}");
        var provider = string.Join("; ", parts);
        const string Base = "Did not get authorization code in the callback.";
        return Message(providerConfigKey, connectionId, "callback_err", provider.Length == 0 ? Base : $"{Base} Provider error: {provider}");
    }

    private static JsonObject Message(string? providerConfigKey, string? connectionId, string type, string description) => new()
    {
        ["message_type"] = "error",
        ["provider_config_key"] = providerConfigKey,
        ["connection_id"] = connectionId,
        ["error_type"] = type,
        ["error_desc"] = description,
    };
}
