using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tributary.Server.Validation;

/// <summary>A <c>POST /connect/sessions</c> (or <c>/reconnect</c>) body, checked against Nango's strict schema.</summary>
internal sealed record ConnectSessionRequest(JsonObject Body, string? ConnectionId, string? IntegrationId);

/// <summary>
/// Nango's checks of a connect session body (reference §A.2): strict keys, <c>end_user.id</c> 1..255, an email address
/// of at least 5 characters, typed fields, Nango's tag rules (<see cref="ConnectionTags"/>); issues with zod v4's messages, as Nango answers them.
/// </summary>
internal static partial class ConnectSessionRequestParser
{
    private static readonly string[] SessionKeys = ["end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags"];
    private static readonly string[] ReconnectKeys = ["connection_id", "integration_id", "end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags"];
    private static readonly string[] EndUserKeys = ["id", "email", "display_name", "tags"];
    private static readonly string[] OrganizationKeys = ["id", "display_name"];
    private static readonly string[] DefaultsKeys = ["user_scopes", "authorization_params", "connection_config"];
    private static readonly string[] OverrideKeys = ["docs_connect"];

    public static ParseResult<ConnectSessionRequest> Parse(JsonElement? body, bool reconnect)
    {
        if (body is not { ValueKind: JsonValueKind.Object } element || JsonNode.Parse(element.GetRawText()) is not JsonObject json)
        {
            var received = body is { } given ? JsonTypeName.Of(given) : JsonTypeName.Undefined;
            return ParseResult<ConnectSessionRequest>.Invalid(
                ApiErrors.InvalidBody([new ValidationIssue(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", received), [])]));
        }

        var issues = new IssueList();
        if (json["end_user"] is { } endUser)
        {
            if (CheckObject(endUser, "end_user", issues) is { } user)
            {
                CheckString(user["id"], ["end_user", "id"], 1, 255, required: true, issues);
                if (CheckString(user["email"], ["end_user", "email"], 5, 255, required: false, issues) is { } email && !EmailPattern().IsMatch(email))
                {
                    issues.Add(ZodCodes.InvalidFormat, "Invalid email address", ["end_user", "email"]);
                }

                CheckString(user["display_name"], ["end_user", "display_name"], 0, 255, required: false, issues);
                if (user["tags"] is { } userTags)
                {
                    ConnectionTags.CheckRecord(userTags, ["end_user", "tags"], minValueLength: 0, issues);
                }

                issues.AddUnrecognizedKeys(Unknown(user, EndUserKeys), ["end_user"]);
            }
        }
        else if (json["tags"] is null && !reconnect)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Undefined), ["end_user"]);
        }

        if (json["organization"] is { } organization && CheckObject(organization, "organization", issues) is { } org)
        {
            CheckString(org["id"], ["organization", "id"], 0, 255, required: true, issues);
            CheckString(org["display_name"], ["organization", "display_name"], 0, 255, required: false, issues);
            issues.AddUnrecognizedKeys(Unknown(org, OrganizationKeys), ["organization"]);
        }

        if (json["allowed_integrations"] is { } allowed)
        {
            if (allowed is not JsonArray list)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("array", JsonTypeName.Of(allowed)), ["allowed_integrations"]);
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    CheckRuled(list[i], ["allowed_integrations", i.ToString(CultureInfo.InvariantCulture)], StringRule.ProviderConfigKey, issues);
                }
            }
        }

        if (json["integrations_config_defaults"] is { } defaults)
        {
            CheckIntegrationDefaults(defaults, issues);
        }

        if (json["overrides"] is { } overrides)
        {
            CheckOverrides(overrides, issues);
        }

        CheckWebhookUrl(json["webhook_url_override"], issues);
        if (json["tags"] is { } tags)
        {
            ConnectionTags.CheckRecord(tags, ["tags"], minValueLength: 1, issues);
        }

        if (reconnect)
        {
            CheckRuled(json["connection_id"], ["connection_id"], StringRule.ConnectionId, issues);
            CheckRuled(json["integration_id"], ["integration_id"], StringRule.ProviderConfigKey, issues);
        }

        // zod v4 reports the unknown keys of an object as one issue, after the issues of its known keys.
        issues.AddUnrecognizedKeys(Unknown(json, reconnect ? ReconnectKeys : SessionKeys), []);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectSessionRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        MapDeprecatedWebhookUrls(json, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectSessionRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var connectionId = (string?)json["connection_id"];
        var integrationId = (string?)json["integration_id"];
        json.Remove("connection_id");
        json.Remove("integration_id");
        return ParseResult<ConnectSessionRequest>.Valid(new ConnectSessionRequest(json, connectionId, integrationId));
    }

    /// <summary>
    /// Nango's <c>overrides</c>: integration key → <c>{docs_connect?: string}</c>, other keys dropped (a zod object that
    /// is not strict strips them, and they are not stored).
    /// </summary>
    private static void CheckOverrides(JsonNode overrides, IssueList issues) =>
        CheckByIntegration(overrides, "overrides", issues, (path, entry) =>
        {
            CheckString(entry["docs_connect"], [.. path, "docs_connect"], 0, int.MaxValue, required: false, issues);
            foreach (var unknown in Unknown(entry, OverrideKeys))
            {
                entry.Remove(unknown);
            }
        });

    /// <summary>
    /// A zod record keyed by integration (Nango's key pattern, else "Invalid key in record") of objects, each handed to
    /// <paramref name="checkEntry"/> with its path.
    /// </summary>
    private static void CheckByIntegration(JsonNode node, string name, IssueList issues, Action<string[], JsonObject> checkEntry)
    {
        if (node is not JsonObject byIntegration)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("record", JsonTypeName.Of(node)), [name]);
            return;
        }

        foreach (var (key, value) in byIntegration.ToList())
        {
            string[] path = [name, key];
            if (!IsIntegrationKey(key))
            {
                issues.Add("invalid_key", "Invalid key in record", path);
                continue;
            }

            if (value is not JsonObject entry)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(value)), path);
                continue;
            }

            checkEntry(path, entry);
        }
    }

    private static bool IsIntegrationKey(string key) => key.Length <= 255 && Patterns.ProviderConfigKey.IsMatch(key);

    /// <summary>A string checked by one of Nango's rules (pattern, then lengths); absent is zod's "expected string".</summary>
    private static void CheckRuled(JsonNode? node, string[] path, StringRule rule, IssueList issues)
    {
        if (CheckString(node, path, 0, int.MaxValue, required: true, issues) is { } text)
        {
            rule.Check(text, path, issues);
        }
    }

    internal static List<string> Unknown(JsonObject obj, string[] keys) =>
        obj.Where(p => !keys.Contains(p.Key, StringComparer.Ordinal)).Select(p => p.Key).ToList();

    private static JsonObject? CheckObject(JsonNode node, string name, IssueList issues)
    {
        if (node is JsonObject obj)
        {
            return obj;
        }

        issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(node)), [name]);
        return null;
    }

    /// <summary>
    /// Nango's <c>integrations_config_defaults</c>: integration key → strict <c>{user_scopes?: string,
    /// authorization_params?: map of strings, connection_config?: object}</c>.
    /// </summary>
    private static void CheckIntegrationDefaults(JsonNode defaults, IssueList issues) =>
        CheckByIntegration(defaults, "integrations_config_defaults", issues, (path, entry) =>
        {
            CheckString(entry["user_scopes"], [.. path, "user_scopes"], 0, int.MaxValue, required: false, issues);
            CheckStringRecord(entry["authorization_params"], [.. path, "authorization_params"], issues);
            if (entry["connection_config"] is { } config && config is not JsonObject)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(config)), [.. path, "connection_config"]);
            }

            issues.AddUnrecognizedKeys(Unknown(entry, DefaultsKeys), path);
        });

    /// <summary>A map of strings (Nango's tags): each value that is not a string is an issue at its key.</summary>
    private static void CheckStringRecord(JsonNode? node, string[] path, IssueList issues)
    {
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject map)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("record", JsonTypeName.Of(node)), path);
            return;
        }

        foreach (var (key, value) in map)
        {
            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(value)), [.. path, key]);
            }
        }
    }

    /// <returns>The string when it is one (whatever its length), else null.</returns>
    internal static string? CheckString(JsonNode? node, string[] path, int min, int max, bool required, IssueList issues)
    {
        if (node is null)
        {
            if (required)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Undefined), path);
            }

            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(node)), path);
            return null;
        }

        var text = value.GetValue<string>();
        if (text.Length < min)
        {
            issues.Add(ZodCodes.TooSmall, ZodMessages.StringTooSmall(min), path);
        }
        else if (text.Length > max)
        {
            issues.Add(ZodCodes.TooBig, ZodMessages.StringTooBig(max), path);
        }

        return text;
    }

    /// <summary>
    /// Nango's <c>webhook_url_override</c>: an absolute http(s) URL, or <c>""</c> for none — the rule of
    /// <c>POST /connections</c>. Checked here, not when the flow completes: the value becomes the connection's.
    /// </summary>
    private static void CheckWebhookUrl(JsonNode? node, IssueList issues) => CheckWebhookUrl(node, ["webhook_url_override"], string.Empty, issues);

    /// <param name="note">Appended to each issue's message (the deprecated field's pointer to its replacement).</param>
    private static void CheckWebhookUrl(JsonNode? node, string[] path, string note, IssueList issues)
    {
        var found = new IssueList();
        CheckString(node, path, 0, 2048, required: false, found);
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 and <= 2048 } text
            && !ConnectionCreateRequestParser.IsOverrideUrl(text))
        {
            found.Add(ZodCodes.InvalidFormat, "Invalid URL", path);
        }

        foreach (var issue in found.Items)
        {
            issues.Add(issue.Code, issue.Message + note, issue.Path);
        }
    }

    /// <summary>
    /// Nango's backward compatibility for the deprecated <c>integrations_config_defaults.&lt;key&gt;.connection_config.webhook_url</c>
    /// (<c>mapDeprecatedConnectionConfigWebhookUrl</c>): each is checked as a webhook URL and taken out of the connection
    /// config (an emptied config goes too), and the first one that is not empty becomes <c>webhook_url_override</c>
    /// when the body gives none (an explicit one, even empty, wins).
    /// </summary>
    private static void MapDeprecatedWebhookUrls(JsonObject json, IssueList issues)
    {
        if (json["integrations_config_defaults"] is not JsonObject defaults)
        {
            return;
        }

        string? first = null;
        foreach (var (key, entry) in defaults)
        {
            if (entry?["connection_config"] is not JsonObject config || !config.TryGetPropertyValue("webhook_url", out var url))
            {
                continue;
            }

            var before = issues.Count;
            CheckWebhookUrl(
                url,
                ["integrations_config_defaults", key, "connection_config", "webhook_url"],
                ". Note: connection_config.webhook_url is deprecated; use top-level webhook_url_override instead.",
                issues);
            if (issues.Count > before)
            {
                continue;
            }

            first ??= url is JsonValue text && text.TryGetValue<string>(out var given) && given.Length > 0 ? given : null;
            config.Remove("webhook_url");
            if (config.Count == 0)
            {
                ((JsonObject)entry).Remove("connection_config");
            }
        }

        if (first is not null && !json.ContainsKey("webhook_url_override"))
        {
            json["webhook_url_override"] = first;
        }
    }

    /// <summary>zod v4's email pattern (<c>z.email()</c>), which Nango's <c>end_user.email</c> must match.</summary>
    [GeneratedRegex(@"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}\z")]
    internal static partial Regex EmailPattern();
}
