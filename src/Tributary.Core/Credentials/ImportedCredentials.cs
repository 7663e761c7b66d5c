using System.Text.Json.Nodes;
using Tributary.Core.Domain;

namespace Tributary.Core.Credentials;

/// <summary>The credentials of an imported connection (<c>POST /connections</c>) as Nango stores them.</summary>
public static class ImportedCredentials
{
    /// <summary>
    /// OAuth2 credentials get Nango's <c>raw</c> (the credentials as given: <c>getRawTokenResponse</c> reads it) and an
    /// <c>expires_at</c> written as an ISO date with milliseconds (Nango coerces it to a date), read as every
    /// expiry here is read (<see cref="TokenExpiry.Read"/>); an unreadable one stays as given. Other types unchanged.
    /// </summary>
    public static JsonObject Normalize(JsonObject credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if ((string?)credentials["type"] != "OAUTH2")
        {
            return credentials;
        }

        var normalized = credentials.DeepClone().AsObject();
        if (TokenExpiry.Read(normalized["expires_at"]) is { } expiresAt)
        {
            normalized["expires_at"] = Micros.ToIsoString(expiresAt);
        }

        normalized.Remove("raw");
        normalized["raw"] = normalized.DeepClone();
        return normalized;
    }
}
