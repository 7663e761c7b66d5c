using System.Text.Json.Nodes;

namespace Tributary.Core.Errors;

/// <summary>
/// An expected failure with Nango's error code and HTTP status. The server's single error handler turns it
/// into <c>{"error":{"code","message","payload"}}</c>; anything else is a 500 logged once at the boundary.
/// </summary>
public class TributaryException : Exception
{
    public TributaryException(int status, string code, string? message, JsonNode? payload = null)
        : base(message ?? code)
    {
        Status = status;
        Code = code;
        ErrorMessage = message;
        Payload = payload;
    }

    public int Status { get; }

    public string Code { get; }

    /// <summary>The message to send, or null where Nango sends none.</summary>
    public string? ErrorMessage { get; }

    public JsonNode? Payload { get; }

    public static TributaryException UnknownProviderConfig() => new(
        400,
        "unknown_provider_config",
        "There is no Provider Configuration matching this key. Please make sure this value exists in the Nango dashboard {}",
        new JsonObject());

    public static TributaryException UnknownConnection(string connectionId, string providerConfigKey)
    {
        var payload = new JsonObject { ["connectionId"] = connectionId, ["providerConfigKey"] = providerConfigKey };
        var pretty = payload.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IndentSize = 2 });
        return new(
            404,
            "unknown_connection",
            "No connection matching the provided params of 'connection_id' and 'provider_config_key'. Please make sure these values exist in the Nango dashboard " + pretty,
            payload);
    }

    public static TributaryException NoSyncsFound() => new(400, "no_syncs_found", "No syncs found given the inputs.", new JsonObject());

    public static TributaryException NotFound(string message) => new(404, "not_found", message);
}
