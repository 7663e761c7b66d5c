using System.Security.Cryptography;
using System.Text;

namespace Tributary.Core.Security;

/// <summary>
/// API keys are 122-bit random UUID v4 secrets, so a plain SHA-256 is enough to store them: no slow hash on the
/// request path (Nango's PBKDF2 costs ~56 ms per cache miss). Lookups go by hash, in the database index (whose
/// timing can reveal at most something about a hash, never about a secret), and a found row's hash is compared
/// with the presented one in constant time (<see cref="HashEquals"/>) before the key is accepted.
/// A secret is normalised once (<see cref="Normalize"/>) before every hash: at bootstrap, creation and
/// authentication alike, so an upper-case UUID names the same key as its lower-case form.
/// </summary>
public static class ApiKeys
{
    public const string AllScopes = "environment:*";

    /// <summary>The stored form of a secret: SHA-256 of its normalised text, lower-case hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(secret))));

    /// <summary>Trimmed and lower-cased: UUIDs are case-insensitive, and a key typed upper-case is the same key.</summary>
    public static string Normalize(string secret) => secret.Trim().ToLowerInvariant();

    /// <summary>Compares two hashes in time that depends only on their length (never on where they differ).</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public static string NewSecret() => Guid.NewGuid().ToString();

    public static bool IsUuidV4(string value) =>
        Guid.TryParseExact(value, "D", out var guid) && guid.Version == 4;

    /// <summary>Exact match, or a granted scope ending in <c>:*</c> that prefixes the required one.</summary>
    public static bool Grants(IEnumerable<string> granted, string required)
    {
        foreach (var scope in granted)
        {
            if (string.Equals(scope, required, StringComparison.Ordinal))
            {
                return true;
            }

            if (scope.EndsWith(":*", StringComparison.Ordinal) && required.StartsWith(scope[..^1], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
