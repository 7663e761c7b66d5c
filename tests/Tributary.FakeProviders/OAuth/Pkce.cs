using System.Security.Cryptography;
using System.Text;

namespace Tributary.FakeProviders;

/// <summary>RFC 7636: checks a <c>code_verifier</c> against the challenge sent to <c>/authorize</c>.</summary>
internal static class Pkce
{
    public const string S256 = "S256";
    public const string Plain = "plain";

    public static bool Verify(string challenge, string method, string verifier)
    {
        var expected = string.Equals(method, S256, StringComparison.Ordinal)
            ? TokenStore.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
            : verifier;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }

    /// <summary>43 to 128 characters of <c>[A-Za-z0-9-._~]</c> (RFC 7636 §4.1).</summary>
    public static bool IsWellFormed(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
