namespace Tributary.Sdk.Paging;

/// <summary>Sets one query parameter of a relative or absolute URL, replacing any value it had.</summary>
internal static class QueryString
{
    public static string Set(string url, string name, string value)
    {
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        if (fragmentAt >= 0)
        {
            url = url[..fragmentAt];
        }

        var queryAt = url.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt >= 0 ? url[..queryAt] : url;
        var pairs = queryAt >= 0
            ? url[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Where(pair => !IsNamed(pair, name)).ToList()
            : [];
        pairs.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
        return $"{path}?{string.Join('&', pairs)}";
    }

    private static bool IsNamed(string pair, string name)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var key = equals >= 0 ? pair[..equals] : pair;
        return string.Equals(Uri.UnescapeDataString(key.Replace('+', ' ')), name, StringComparison.Ordinal);
    }
}
