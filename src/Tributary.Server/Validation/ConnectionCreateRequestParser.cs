using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>
/// Validates <c>POST /connections</c> as Nango's import schema does: an empty query, then a strict body whose
/// <c>credentials</c> is a union on <c>type</c> of strict objects.
/// </summary>
/// <remarks>
/// Differences, each listed in docs/api.md: <c>connection_id</c> is required and must match the pattern the
/// records endpoints check (Nango generates one and takes any string, so a connection could be created that no
/// records call can name); only the credential types Tributary can use (API_KEY, BASIC, OAUTH2, NONE) are
/// accepted; <c>end_user</c> and non-empty <c>tags</c> are refused because nothing would keep them.
/// </remarks>
internal static class ConnectionCreateRequestParser
{
    public const string UnsupportedMessage = "Tributary does not store this field: leave it out";

    private static readonly string[] BodyKeys =
        ["provider_config_key", "metadata", "connection_config", "webhook_url_override", "connection_id", "credentials", "end_user", "tags"];

    private static readonly string[] CredentialTypes = ["OAUTH2", "API_KEY", "BASIC", "NONE"];

    private static readonly StringRule OAuthToken = new(MinLength: 1, MaxLength: 16_384);

    private static readonly StringRule ApiKey = new(MinLength: 1, MaxLength: 1024);

    private static readonly StringRule BasicPart = new(MaxLength: 1024);

    private static readonly StringRule ClientId = new(MinLength: 1, MaxLength: 255);

    private static readonly StringRule ClientSecret = new(MinLength: 1, MaxLength: 2048);

    public static ParseResult<ConnectionCreateRequest> Parse(IEnumerable<KeyValuePair<string, StringValues>> query, JsonElement? body)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<ConnectionCreateRequest>.Invalid(queryError);
        }

        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<ConnectionCreateRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: true, StringRule.ProviderConfigKey, root, issues);
        var metadata = ReadRecord(obj, "metadata", issues);
        var connectionConfig = ReadRecord(obj, "connection_config", issues);
        var connectionId = JsonFields.ReadString(obj, "connection_id", required: true, StringRule.ConnectionId, root, issues);
        var credentials = ReadCredentials(obj, issues);
        var webhookUrlOverride = ReadWebhookUrlOverride(obj, issues);
        if (obj.TryGet("end_user", out _))
        {
            issues.Add(ZodCodes.Custom, UnsupportedMessage, ["end_user"]);
        }

        RefuseUnlessEmpty(obj, "tags", issues);
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);

        if (!issues.IsEmpty || providerConfigKey is null || connectionId is null || credentials is null)
        {
            return ParseResult<ConnectionCreateRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<ConnectionCreateRequest>.Valid(
            new ConnectionCreateRequest(
                providerConfigKey,
                connectionId,
                credentials,
                metadata?.GetRawText() ?? "{}",
                connectionConfig is { } config ? JsonObject.Create(config) : null,
                webhookUrlOverride));
    }

    /// <summary>Nango's <c>webhook_url_override</c>: an absolute http(s) URL, or <c>""</c> for none (null here).</summary>
    internal static string? ReadWebhookUrlOverride(JsonObjectInput obj, IssueList issues)
    {
        if (!obj.TryGet("webhook_url_override", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(value)), ["webhook_url_override"]);
            return null;
        }

        var text = value.GetString()!;
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length > 2048 || !IsOverrideUrl(text))
        {
            issues.Add(ZodCodes.InvalidFormat, "Invalid URL", ["webhook_url_override"]);
            return null;
        }

        return text;
    }

    /// <summary>A connection's <c>webhook_url_override</c> (here and on connect sessions): an absolute http(s) URL.</summary>
    internal static bool IsOverrideUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>An optional <c>z.record(z.string(), z.unknown())</c>: any JSON object.</summary>
    internal static JsonElement? ReadRecord(JsonObjectInput obj, string key, IssueList issues)
    {
        if (!obj.TryGet(key, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("record", JsonTypeName.Of(value)), [key]);
            return null;
        }

        return value;
    }

    private static void RefuseUnlessEmpty(JsonObjectInput obj, string key, IssueList issues)
    {
        if (ReadRecord(obj, key, issues) is { } value && value.EnumerateObject().Any())
        {
            issues.Add(ZodCodes.Custom, UnsupportedMessage, [key]);
        }
    }

    private static JsonObject? ReadCredentials(JsonObjectInput obj, IssueList issues)
    {
        IReadOnlyList<string> path = ["credentials"];
        if (!obj.TryGet("credentials", out var element))
        {
            // Required: Nango refuses an import without credentials (a NONE connection sends {"type":"NONE"}).
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Undefined), path);
            return null;
        }

        var credentials = JsonObjectInput.Read(element, path, issues);
        if (credentials is null)
        {
            return null;
        }

        var type = credentials.TryGet("type", out var typeValue) && typeValue.ValueKind == JsonValueKind.String
            && TextGuard.TryGetString(typeValue, out var text) && CredentialTypes.Contains(text, StringComparer.Ordinal)
                ? text
                : null;
        if (type is null)
        {
            // zod's discriminated union: no branch matches, so one issue at the discriminator.
            issues.Add(ZodCodes.InvalidUnion, ZodMessages.InvalidInput, ["credentials", "type"]);
            return null;
        }

        var before = issues.Count;
        string[] known = type switch
        {
            "OAUTH2" => ReadOAuth2(credentials, path, issues),
            "API_KEY" => Read(credentials, path, issues, ("apiKey", true, ApiKey)),
            "BASIC" => Read(credentials, path, issues, ("username", true, BasicPart), ("password", true, BasicPart)),
            _ => ["type"],
        };
        JsonFields.RejectUnknownKeys(credentials, known, path, issues);
        return issues.Count == before ? JsonObject.Create(element) : null;
    }

    private static string[] ReadOAuth2(JsonObjectInput credentials, IReadOnlyList<string> path, IssueList issues)
    {
        var known = Read(credentials, path, issues, ("access_token", true, OAuthToken), ("refresh_token", false, OAuthToken));
        if (credentials.TryGet("expires_at", out var expiresAt)
            && expiresAt.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("date", JsonTypeName.Of(expiresAt)), [.. path, "expires_at"]);
        }
        else if (expiresAt.ValueKind == JsonValueKind.String)
        {
            TextGuard.TryRead(expiresAt, [.. path, "expires_at"], issues, out _);
        }

        if (credentials.TryGet("config_override", out var overrideValue))
        {
            IReadOnlyList<string> overridePath = [.. path, "config_override"];
            if (JsonObjectInput.Read(overrideValue, overridePath, issues) is { } configOverride)
            {
                var overrideKeys = Read(configOverride, overridePath, issues, ("client_id", false, ClientId), ("client_secret", false, ClientSecret));
                JsonFields.RejectUnknownKeys(configOverride, overrideKeys, overridePath, issues);
            }
        }

        return [.. known, "expires_at", "config_override"];
    }

    private static string[] Read(
        JsonObjectInput obj,
        IReadOnlyList<string> path,
        IssueList issues,
        params (string Key, bool Required, StringRule Rule)[] fields)
    {
        foreach (var (key, required, rule) in fields)
        {
            JsonFields.ReadString(obj, key, required, rule, path, issues);
        }

        return ["type", .. fields.Select(field => field.Key)];
    }
}
