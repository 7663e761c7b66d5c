using System.Text.Json.Nodes;

namespace Tributary.Server.Validation;

/// <summary>A <c>POST /connect/sessions</c> (or <c>/reconnect</c>) body, checked against Nango's strict schema.</summary>
internal sealed record ConnectSessionRequest(JsonObject Body, string? ConnectionId, string? IntegrationId);

/// <summary>Nango's checks of a connect session body (reference §A.2): strict keys, <c>end_user.id</c> 1..255, typed fields.</summary>
internal static class ConnectSessionRequestParser
{
    private static readonly string[] SessionKeys = ["end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags"];
    private static readonly string[] ReconnectKeys = ["connection_id", "integration_id", "end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags"];
    private static readonly string[] EndUserKeys = ["id", "email", "display_name", "tags"];
    private static readonly string[] OrganizationKeys = ["id", "display_name"];

    public static ParseResult<ConnectSessionRequest> Parse(JsonElement? body, bool reconnect)
    {
        if (body is not { ValueKind: JsonValueKind.Object } element || JsonNode.Parse(element.GetRawText()) is not JsonObject json)
        {
            return Invalid("invalid_type", "Expected object", []);
        }

        var issues = new List<ValidationIssue>();
        foreach (var (key, _) in json)
        {
            if (!(reconnect ? ReconnectKeys : SessionKeys).Contains(key, StringComparer.Ordinal))
            {
                issues.Add(new ValidationIssue("unrecognized_keys", $"Unrecognized key(s) in object: '{key}'", []));
            }
        }

        if (json["end_user"] is { } endUser)
        {
            CheckObject(endUser, "end_user", EndUserKeys, issues);
            CheckString(endUser["id"], ["end_user", "id"], 1, 255, required: true, issues);
            CheckString(endUser["email"], ["end_user", "email"], 5, 255, required: false, issues);
            CheckString(endUser["display_name"], ["end_user", "display_name"], 0, 255, required: false, issues);
        }
        else if (json["tags"] is null && !reconnect)
        {
            issues.Add(new ValidationIssue("invalid_type", "Required", ["end_user"]));
        }

        if (json["organization"] is { } organization)
        {
            CheckObject(organization, "organization", OrganizationKeys, issues);
            CheckString(organization["id"], ["organization", "id"], 0, 255, required: true, issues);
        }

        if (json["allowed_integrations"] is { } allowed && (allowed is not JsonArray list || list.Any(i => i is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
        {
            issues.Add(new ValidationIssue("invalid_type", "Expected array of strings", ["allowed_integrations"]));
        }

        if (json["integrations_config_defaults"] is { } defaults && defaults is not JsonObject)
        {
            issues.Add(new ValidationIssue("invalid_type", "Expected object", ["integrations_config_defaults"]));
        }

        if (json["tags"] is { } tags && (tags is not JsonObject map || map.Any(t => t.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
        {
            issues.Add(new ValidationIssue("invalid_type", "Expected record of strings", ["tags"]));
        }

        CheckWebhookUrl(json["webhook_url_override"], issues);
        if (reconnect)
        {
            CheckString(json["connection_id"], ["connection_id"], 1, 255, required: true, issues);
            CheckString(json["integration_id"], ["integration_id"], 1, 255, required: true, issues);
        }

        if (issues.Count > 0)
        {
            return ParseResult<ConnectSessionRequest>.Invalid(ApiErrors.InvalidBody(issues.Take(InputLimits.MaxIssues).ToList()));
        }

        var connectionId = (string?)json["connection_id"];
        var integrationId = (string?)json["integration_id"];
        json.Remove("connection_id");
        json.Remove("integration_id");
        return ParseResult<ConnectSessionRequest>.Valid(new ConnectSessionRequest(json, connectionId, integrationId));
    }

    private static void CheckObject(JsonNode node, string name, string[] keys, List<ValidationIssue> issues)
    {
        if (node is not JsonObject obj)
        {
            issues.Add(new ValidationIssue("invalid_type", "Expected object", [name]));
            return;
        }

        foreach (var (key, _) in obj)
        {
            if (!keys.Contains(key, StringComparer.Ordinal))
            {
                issues.Add(new ValidationIssue("unrecognized_keys", $"Unrecognized key(s) in object: '{key}'", [name]));
            }
        }
    }

    private static void CheckString(JsonNode? node, string[] path, int min, int max, bool required, List<ValidationIssue> issues)
    {
        if (node is null)
        {
            if (required)
            {
                issues.Add(new ValidationIssue("invalid_type", "Required", path));
            }

            return;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            issues.Add(new ValidationIssue("invalid_type", "Expected string", path));
            return;
        }

        var text = value.GetValue<string>();
        if (text.Length < min)
        {
            issues.Add(new ValidationIssue("too_small", $"String must contain at least {min} character(s)", path));
        }
        else if (text.Length > max)
        {
            issues.Add(new ValidationIssue("too_big", $"String must contain at most {max} character(s)", path));
        }
    }

    /// <summary>
    /// Nango's <c>webhook_url_override</c>: an absolute http(s) URL, or <c>""</c> for none — the rule of
    /// <c>POST /connections</c>. Checked here, not when the flow completes: the value becomes the connection's.
    /// </summary>
    private static void CheckWebhookUrl(JsonNode? node, List<ValidationIssue> issues)
    {
        CheckString(node, ["webhook_url_override"], 0, 2048, required: false, issues);
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 and <= 2048 } text
            && !ConnectionCreateRequestParser.IsOverrideUrl(text))
        {
            issues.Add(new ValidationIssue(ZodCodes.InvalidFormat, "Invalid URL", ["webhook_url_override"]));
        }
    }

    private static ParseResult<ConnectSessionRequest> Invalid(string code, string message, string[] path) =>
        ParseResult<ConnectSessionRequest>.Invalid(ApiErrors.InvalidBody([new ValidationIssue(code, message, path)]));
}
