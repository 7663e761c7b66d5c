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
    };

    /// <summary>A failure of ours (an API error code) as Nango's WebSocket message.</summary>
    public static JsonObject From(string? providerConfigKey, string? connectionId, string code, string description) =>
        Message(providerConfigKey, connectionId, NangoTypes.GetValueOrDefault(code, code), description);

    /// <summary>
    /// The provider came back without a code (the user denied consent, say): Nango's <c>callback_err</c>, with the
    /// provider's own <c>error</c> and <c>error_description</c> as Nango quotes them.
    /// </summary>
    public static JsonObject ProviderSentNoCode(string? providerConfigKey, string? connectionId, string? error, string? errorDescription)
    {
        string?[] parts = [error is null ? null : $"error: {error}", errorDescription is null ? null : $"error_description: {errorDescription}"];
        var provider = string.Join("; ", parts.OfType<string>());
        return Message(
            providerConfigKey,
            connectionId,
            "callback_err",
            provider.Length == 0
                ? "Did not get an authorization code in the callback."
                : $"Did not get an authorization code in the callback. Provider error: {provider}");
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
