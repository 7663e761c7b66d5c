namespace Tributary.Server.Validation;

/// <summary>The control headers of <c>/proxy</c> (reference §C.1), checked as Nango's zod schema checks them.</summary>
internal sealed record ProxyHeaders(string ConnectionId, string ProviderConfigKey, int Retries, string? BaseUrlOverride, bool Decompress)
{
    /// <summary>The prefix of a header forwarded upstream under the rest of its name.</summary>
    public const string ForwardPrefix = "Nango-Proxy-";

    /// <summary>Nango sets no bound; this one keeps a proxy call's retries bounded in count.</summary>
    public const int MaxRetries = 20;

    public static ParseResult<ProxyHeaders> Parse(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var issues = new IssueList();
        // Nango's schema order: provider-config-key, connection-id, retries, base-url-override, decompress.
        var ids = ConnectionHeadersParser.Read(NangoHeaders.From(headers), issues, providerConfigKeyFirst: true);
        var retries = 0;
        if (Single(headers, "Retries") is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out retries) || retries > MaxRetries))
        {
            issues.Add(ZodCodes.InvalidValue, $"Retries must be a whole number from 0 to {MaxRetries}", ["retries"]);
        }

        // Nango's schema: a URL or empty; checked with the other headers, before any lookup.
        var baseUrlOverride = Single(headers, "Base-Url-Override");
        if (baseUrlOverride is { Length: > 0 } && !(Uri.TryCreate(baseUrlOverride, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            issues.Add(ZodCodes.InvalidFormat, "Invalid URL", ["base-url-override"]);
        }

        var decompress = false;
        if (Single(headers, "Decompress") is { Length: > 0 } flag && !bool.TryParse(flag, out decompress))
        {
            issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(["true", "false"]), ["decompress"]);
        }

        return ids is { } both && issues.IsEmpty
            ? ParseResult<ProxyHeaders>.Valid(new ProxyHeaders(both.ConnectionId, both.ProviderConfigKey, retries, baseUrlOverride, decompress))
            : ParseResult<ProxyHeaders>.Invalid(ApiErrors.InvalidHeaders(issues.Items));
    }

    private static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString().Trim() : null;
}
