using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>Reads the token of <c>Authorization: Bearer …</c> (GitHub's older <c>token …</c> too).</summary>
internal static class BearerToken
{
    public static string? Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in (ReadOnlySpan<string>)["Bearer ", "token "])
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var token = header[scheme.Length..].Trim();
                return token.Length > 0 ? token : null;
            }
        }

        return null;
    }
}
