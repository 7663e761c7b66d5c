using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Errors;

/// <summary>The failures several use cases share, in Nango's exact codes and wording.</summary>
public static class NangoErrors
{
    public static InvalidInputException UnknownProviderConfig() => new(
        "unknown_provider_config",
        "There is no Provider Configuration matching this key. Please make sure this value exists in the Nango dashboard {}",
        new JsonObject());

    /// <summary>The connection a request names in its path or body is missing (Nango's 404 with the params in the payload).</summary>
    public static NotFoundException UnknownConnection(string connectionId, string providerConfigKey)
    {
        var payload = new JsonObject { ["connectionId"] = connectionId, ["providerConfigKey"] = providerConfigKey };
        return new(
            "unknown_connection",
            "No connection matching the provided params of 'connection_id' and 'provider_config_key'. Please make sure these values exist in the Nango dashboard "
                + PrettyParams(connectionId, providerConfigKey),
            payload);
    }

    /// <summary>
    /// <c>JSON.stringify({connectionId, providerConfigKey}, null, 2)</c>, as Nango writes it into the message: strings
    /// escaped as JavaScript escapes them (<c>+</c>, <c>'</c>, <c>&lt;</c> and non-ASCII text stay as they are, where
    /// .NET's default encoder would write <c>\u002B</c>).
    /// </summary>
    internal static string PrettyParams(string connectionId, string providerConfigKey)
    {
        var text = new StringBuilder("{\n  \"connectionId\": ");
        SortedJson.WriteString(text, connectionId);
        text.Append(",\n  \"providerConfigKey\": ");
        SortedJson.WriteString(text, providerConfigKey);
        return text.Append("\n}").ToString();
    }

    /// <summary>
    /// The metadata endpoints' missing connection: Nango's 404 with its own message and no payload, the first missing
    /// id of the request; with several ids, also that nothing was written.
    /// </summary>
    public static NotFoundException UnknownMetadataConnection(string connectionId, string providerConfigKey, bool several)
    {
        var message = $"Connection with connection id {connectionId} and provider config key {providerConfigKey} not found. Please make sure the connection exists in the Nango dashboard";
        return new("unknown_connection", several ? $"{message}. No actions were taken on any of the connections as a result of this failure." : message);
    }

    public static InvalidInputException NoSyncsFound() => new("no_syncs_found", "No syncs found given the inputs.", new JsonObject());

    /// <summary>The bare <c>unknown_connection</c> code (no message) of the sync variant and frequency endpoints.</summary>
    public static InvalidInputException UnknownConnectionCode() => new("unknown_connection", null);

    /// <summary>The bare <c>unknown_sync</c> code (no message) of the sync variant and frequency endpoints.</summary>
    public static InvalidInputException UnknownSync() => new("unknown_sync", null);
}
