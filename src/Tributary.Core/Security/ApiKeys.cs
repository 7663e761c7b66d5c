using System.Security.Cryptography;
using System.Text;

namespace Tributary.Core.Security;

/// <summary>
/// API keys are 122-bit random UUID v4 secrets, so a plain SHA-256 is enough to store them: no slow hash on the
/// request path (Nango's PBKDF2 costs ~56 ms per cache miss). Lookups go by hash; the comparison of the hash
/// itself happens in the database index, and the caller re-checks it in constant time.
/// </summary>
public static class ApiKeys
{
    public const string AllScopes = "environment:*";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

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
