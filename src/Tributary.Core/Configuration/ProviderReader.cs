using System.Globalization;
using Tributary.Core.Providers;

namespace Tributary.Core.Configuration;

/// <summary>
/// Reads provider templates (the <c>providers:</c> mapping of tributary.yaml, and the built-in catalogue) with the
/// field names of Nango's <c>providers.yaml</c>. Every problem goes to the sink with its line; reading carries on.
/// </summary>
/// <remarks>
/// Fields that only describe a template to people (<c>categories</c>, <c>docs</c>, …) or belong to flows Tributary
/// does not run (scripts, <c>credentials</c> form fields) are accepted and ignored, so a Nango template can be pasted
/// in; a field that would change how requests are made and that Tributary does not implement is an error rather
/// than silently ignored.
/// </remarks>
internal sealed class ProviderReader(ConfigErrorSink errors)
{
    private static readonly string[] Keys =
    [
        "auth_mode", "display_name", "authorization_url", "authorization_params", "token_url", "token_params", "refresh_url",
        "refresh_params", "token_request_auth_method", "authorization_method", "body_format", "scope_separator", "default_scopes",
        "disable_pkce", "token_expiration_buffer", "connection_config", "proxy", "token_response_metadata", "redirect_uri_metadata",
        // Accepted and ignored: descriptive, or for flows Tributary does not run.
        "categories", "docs", "docs_connect", "setup_guide_url", "credentials", "post_connection_script",
        "pre_connection_deletion_script", "webhook_routing_script", "credentials_verification_script", "webhook_user_defined_secret",
        "connection_configuration",
    ];

    private static readonly string[] ProxyKeys = ["base_url", "headers", "query", "retry", "paginate", "decompress", "verification", "forward_headers_on_redirect"];

    private static readonly string[] RetryKeys = ["at", "after", "remaining", "error_code"];

    private static readonly string[] PaginateTypes = ["cursor", "link", "offset"];

    private static readonly string[] ConnectionConfigKeys =
        ["type", "title", "description", "pattern", "format", "optional", "order", "automated", "prefix", "suffix", "default_value", "example", "doc_section", "hidden"];

    public List<ProviderDefinition> ReadAll(ConfigEntry entry) =>
        MappingEntries.ReadEach(entry.AsMapping(errors), entry.Path, errors, ReadOne);

    private ProviderDefinition? ReadOne(ConfigEntry entry)
    {
        // Nango's provider names, which GET /providers/{provider} and POST /integrations take.
        if (ConfigNames.CheckProviderName(entry.Key) is { } problem)
        {
            errors.Add(entry.KeyLine, entry.Path, problem);
        }

        if (entry.AsMapping(errors) is not { } mapping)
        {
            return null;
        }

        var before = Count;
        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, Keys, errors);
        var authMode = ReadAuthMode(fields);
        if (authMode is null)
        {
            return null;
        }

        var provider = new ProviderDefinition
        {
            Name = entry.Key,
            AuthMode = authMode.Value,
            DisplayName = fields.OptionalString("display_name"),
            AuthorizationUrl = Url(fields, "authorization_url"),
            AuthorizationParams = StringMap(fields.Find("authorization_params")),
            TokenUrl = ReadTokenUrl(fields, authMode.Value),
            TokenParams = StringMap(fields.Find("token_params")),
            RefreshUrl = Url(fields, "refresh_url"),
            RefreshParams = fields.Find("refresh_params") is { } refresh ? StringMap(refresh) : null,
            TokenRequestAuthMethod = ReadTokenRequestAuth(fields),
            ClientAuthInHeader = ReadChoice(fields, "authorization_method", ["body", "header"], "body") == "header",
            JsonTokenBody = ReadChoice(fields, "body_format", ["form", "json"], "form") == "json",
            ScopeSeparator = ReadScopeSeparator(fields),
            DefaultScopes = StringList(fields.Find("default_scopes")),
            DisablePkce = fields.Boolean("disable_pkce", defaultValue: false) ?? false,
            TokenExpirationBuffer = ReadSeconds(fields, "token_expiration_buffer"),
            ConnectionConfig = ReadConnectionConfig(fields.Find("connection_config")),
            Proxy = fields.Find("proxy") is { } proxy ? ReadProxy(proxy) : ProviderProxy.Empty,
            TokenResponseMetadata = StringList(fields.Find("token_response_metadata")),
            RedirectUriMetadata = StringList(fields.Find("redirect_uri_metadata")),
            Template = YamlTreeJson.ToObject(mapping),
        };
        CheckModeNeeds(provider, fields, entry);
        return Count == before ? provider : null;
    }

    private int Count => errors.Count;

    private AuthMode? ReadAuthMode(MappingFields fields)
    {
        var text = fields.RequiredString("auth_mode");
        if (text is null)
        {
            return null;
        }

        if (!AuthModes.TryParse(text, out var mode))
        {
            errors.Add(fields.LineOf("auth_mode"), fields.PathOf("auth_mode"),
                $"'{text}' is not a supported auth mode (use one of: {string.Join(", ", AuthModes.Names)})");
            return null;
        }

        return mode;
    }

    private void CheckModeNeeds(ProviderDefinition provider, MappingFields fields, ConfigEntry entry)
    {
        if (provider.AuthMode == AuthMode.OAuth2 && provider.AuthorizationUrl is null)
        {
            errors.Add(entry.KeyLine, fields.PathOf("authorization_url"), "is required for auth_mode OAUTH2");
        }

        if (provider.AuthMode is AuthMode.OAuth2 or AuthMode.OAuth2ClientCredentials && provider.TokenUrl is null && fields.Find("token_url") is null)
        {
            errors.Add(entry.KeyLine, fields.PathOf("token_url"), $"is required for auth_mode {AuthModes.ToName(provider.AuthMode)}");
        }

        if (provider.AuthMode == AuthMode.ApiKey && !MentionsApiKey(provider.Proxy))
        {
            errors.Add(entry.KeyLine, fields.PathOf("proxy"),
                "an API_KEY provider must place ${apiKey} in proxy.headers or proxy.query (e.g. headers: {authorization: 'Bearer ${apiKey}'})");
        }
    }

    private static bool MentionsApiKey(ProviderProxy proxy) =>
        proxy.Headers.Values.Concat(proxy.Query.Values).Any(v => Interpolation.Placeholders(v).Any(p => p is "apiKey" or "credentials.apiKey"));

    private string? ReadTokenUrl(MappingFields fields, AuthMode mode)
    {
        if (fields.Find("token_url") is not { } entry)
        {
            return null;
        }

        if (entry.Value is YamlTreeScalar)
        {
            return Url(fields, "token_url");
        }

        // Nango's per-mode form: {OAUTH2: …, OAUTH2CC: …}.
        var map = StringMap(entry);
        var key = mode == AuthMode.OAuth2ClientCredentials ? "OAUTH2CC" : AuthModes.ToName(mode);
        if (!map.TryGetValue(key, out var url))
        {
            errors.Add(entry.Value.Line, entry.Path, $"has no '{key}' entry for auth_mode {AuthModes.ToName(mode)}");
            return null;
        }

        return CheckUrl(url, entry.Value.Line, entry.Path) ? url : null;
    }

    private TokenRequestAuth ReadTokenRequestAuth(MappingFields fields)
    {
        const string Key = "token_request_auth_method";
        var text = fields.OptionalString(Key);
        switch (text)
        {
            case null or "body":
                return TokenRequestAuth.Body;
            case "basic":
                return TokenRequestAuth.Basic;
            default:
                errors.Add(fields.LineOf(Key), fields.PathOf(Key), $"'{text}' is not supported (use body or basic)");
                return TokenRequestAuth.Body;
        }
    }

    private string ReadScopeSeparator(MappingFields fields)
    {
        const string Key = "scope_separator";
        if (fields.Find(Key) is not { } entry)
        {
            return " ";
        }

        // " " must be quoted in YAML; an empty or blank plain scalar would read as null or be trimmed.
        if (entry.Value is YamlTreeScalar { Value.Length: > 0 } scalar)
        {
            return scalar.Value;
        }

        errors.Add(entry.Value.Line, entry.Path, "expected a separator such as ' ', ',' or '+'");
        return " ";
    }

    private string? ReadChoice(MappingFields fields, string key, string[] choices, string defaultValue)
    {
        var text = fields.OptionalString(key) ?? defaultValue;
        if (!choices.Contains(text, StringComparer.Ordinal))
        {
            errors.Add(fields.LineOf(key), fields.PathOf(key), $"'{text}' is not supported (use {string.Join(" or ", choices)})");
            return defaultValue;
        }

        return text;
    }

    private TimeSpan? ReadSeconds(MappingFields fields, string key)
    {
        if (fields.OptionalString(key) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 86_400)
        {
            errors.Add(fields.LineOf(key), fields.PathOf(key), $"'{text}' is not a number of seconds between 0 and 86400");
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private string? Url(MappingFields fields, string key)
    {
        var text = fields.OptionalString(key);
        return text is not null && CheckUrl(text, fields.LineOf(key), fields.PathOf(key)) ? text : null;
    }

    /// <summary>An absolute http(s) URL once its placeholders are filled (a placeholder may also stand for the whole host).</summary>
    private bool CheckUrl(string text, int line, string path)
    {
        foreach (var alternative in text.Split("||", StringSplitOptions.TrimEntries))
        {
            var sample = Interpolation.Fill(alternative, _ => "placeholder.example") ?? alternative;
            if (sample.StartsWith("placeholder.example", StringComparison.Ordinal))
            {
                sample = "https://" + sample;
            }

            if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(line, path, $"'{text}' is not an absolute http or https URL");
                return false;
            }
        }

        return true;
    }

    private Dictionary<string, ConnectionConfigField> ReadConnectionConfig(ConfigEntry? entry)
    {
        var result = new Dictionary<string, ConnectionConfigField>(StringComparer.Ordinal);
        if (entry is null || entry.AsMapping(errors) is not { } mapping)
        {
            return result;
        }

        foreach (var field in MappingEntries.Read(mapping, entry.Path, errors))
        {
            if (field.AsMapping(errors) is not { } body)
            {
                continue;
            }

            var fields = MappingFields.Read(body, field.Path, field.KeyLine, ConnectionConfigKeys, errors);
            var optional = fields.Boolean("optional", defaultValue: false) ?? false;
            fields.Boolean("automated", defaultValue: false);
            fields.Boolean("hidden", defaultValue: false);
            result[field.Key] = new ConnectionConfigField(
                field.Key, fields.OptionalString("type") ?? "string", fields.OptionalString("title"), fields.OptionalString("pattern"), optional);
        }

        return result;
    }

    private ProviderProxy ReadProxy(ConfigEntry entry)
    {
        if (entry.AsMapping(errors) is not { } mapping)
        {
            return ProviderProxy.Empty;
        }

        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, ProxyKeys, errors);
        var baseUrl = Url(fields, "base_url");
        var headers = StringMap(fields.Find("headers")).ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
        var query = StringMap(fields.Find("query"));
        var retry = fields.Find("retry") is { } retryEntry ? ReadRetry(retryEntry) : null;
        var paginate = fields.Find("paginate") is { } paginateEntry ? ReadPaginate(paginateEntry) : null;
        var decompress = fields.Boolean("decompress", defaultValue: false) ?? false;
        fields.Boolean("forward_headers_on_redirect", defaultValue: false);
        return new ProviderProxy(baseUrl, headers, query, retry, paginate, decompress);
    }

    private ProviderRetry? ReadRetry(ConfigEntry entry)
    {
        if (entry.AsMapping(errors) is not { } mapping)
        {
            return null;
        }

        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, RetryKeys, errors);
        return new ProviderRetry(
            StringOrList(fields.Find("at")),
            StringOrList(fields.Find("after")),
            fields.OptionalString("remaining"),
            StringList(fields.Find("error_code")));
    }

    private ProviderPaginate? ReadPaginate(ConfigEntry entry)
    {
        var settings = new Dictionary<string, string>(StringMap(entry), StringComparer.Ordinal);
        if (!settings.Remove("type", out var type) || !PaginateTypes.Contains(type, StringComparer.Ordinal))
        {
            errors.Add(entry.Value.Line, ConfigPath.Child(entry.Path, "type"), $"must be one of: {string.Join(", ", PaginateTypes)}");
            return null;
        }

        return new ProviderPaginate(type, settings);
    }

    /// <summary>A mapping of scalars (numbers and booleans as written); nested values are reported.</summary>
    private Dictionary<string, string> StringMap(ConfigEntry? entry)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry is null || entry.AsMapping(errors) is not { } mapping)
        {
            return result;
        }

        foreach (var item in MappingEntries.Read(mapping, entry.Path, errors))
        {
            if (item.Value is YamlTreeScalar scalar)
            {
                result[item.Key] = scalar.Value;
            }
            else
            {
                errors.Add(item.Value.Line, item.Path, "expected a string");
            }
        }

        return result;
    }

    private List<string> StringOrList(ConfigEntry? entry) =>
        entry?.Value is YamlTreeScalar { IsNull: false } scalar ? [scalar.Value] : StringList(entry);

    private List<string> StringList(ConfigEntry? entry)
    {
        var result = new List<string>();
        if (entry is null)
        {
            return result;
        }

        if (entry.Value is not YamlTreeSequence sequence)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a list of strings");
            return result;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            if (sequence.Items[i] is YamlTreeScalar { IsNull: false } item)
            {
                result.Add(item.Value);
            }
            else
            {
                errors.Add(sequence.Items[i].Line, ConfigPath.Index(entry.Path, i), "expected a string");
            }
        }

        return result;
    }
}
