namespace Tributary.Server.Validation;

/// <summary>The two headers Nango's sync and records endpoints read; <c>null</c> when the header is absent.</summary>
internal readonly record struct NangoHeaders(string? ConnectionId, string? ProviderConfigKey)
{
    public const string ConnectionIdHeader = "Connection-Id";
    public const string ProviderConfigKeyHeader = "Provider-Config-Key";

    public static NangoHeaders From(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new NangoHeaders(Read(headers, ConnectionIdHeader), Read(headers, ProviderConfigKeyHeader));
    }

    // Node joins a repeated custom header with ", " before Express hands it over.
    private static string? Read(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(", ", values.ToArray()) : null;
}
