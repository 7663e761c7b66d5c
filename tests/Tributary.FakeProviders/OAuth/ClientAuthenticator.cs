using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>
/// Authenticates the client at the token endpoint (RFC 6749 §2.3.1): HTTP Basic, body parameters, or both when they
/// agree (Nango sends both for templates with <c>token_request_auth_method: basic</c>).
/// </summary>
internal static class ClientAuthenticator
{
    public static ClientAuthResult Authenticate(HttpRequest request, IReadOnlyDictionary<string, string> form, FakeOAuthServer server)
    {
        var header = request.Headers.Authorization.ToString();
        var basicSent = header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        (string Id, string Secret)[] basic = [];
        if (basicSent && !TryDecodeBasic(header["Basic ".Length..].Trim(), out basic))
        {
            return ClientAuthResult.Fail("The Basic authorization header is malformed.", basicSent);
        }

        form.TryGetValue("client_id", out var bodyId);
        form.TryGetValue("client_secret", out var bodySecret);
        var clientId = basicSent ? basic.Select(b => b.Id).FirstOrDefault(id => server.FindClient(id) is not null) ?? basic[0].Id : bodyId;
        if (string.IsNullOrEmpty(clientId) || server.FindClient(clientId) is not { } client)
        {
            return ClientAuthResult.Fail("Unknown client.", basicSent);
        }

        if (basicSent && bodyId is not null && !basic.Any(b => string.Equals(b.Id, bodyId, StringComparison.Ordinal)))
        {
            return ClientAuthResult.Fail("client_id in the body and in the Basic header differ.", basicSent);
        }

        if (client.ClientSecret is null)
        {
            return ClientAuthResult.Ok(client);
        }

        switch (server.ClientAuthentication)
        {
            case ClientAuthenticationMethod.Basic when !basicSent:
                return ClientAuthResult.Fail("This server requires client authentication with HTTP Basic.", basicSent);
            case ClientAuthenticationMethod.Body when bodySecret is null:
                return ClientAuthResult.Fail("This server requires client_id and client_secret in the request body.", basicSent);
            case ClientAuthenticationMethod.Any when !basicSent && bodySecret is null:
                return ClientAuthResult.Fail("Client authentication is missing.", basicSent);
        }

        var basicOk = !basicSent || basic.Any(b => string.Equals(b.Id, client.ClientId, StringComparison.Ordinal) && SecretEquals(b.Secret, client.ClientSecret));
        var bodyOk = bodySecret is null || SecretEquals(bodySecret, client.ClientSecret);
        return basicOk && bodyOk ? ClientAuthResult.Ok(client) : ClientAuthResult.Fail("Client authentication failed.", basicSent);
    }

    /// <summary>
    /// Decodes <c>base64(id:secret)</c>. RFC 6749 form-encodes id and secret first; many clients (Nango's basic
    /// method among them) do not, so both readings are candidates.
    /// </summary>
    private static bool TryDecodeBasic(string value, out (string Id, string Secret)[] candidates)
    {
        candidates = [];
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1)
        {
            return false;
        }

        var id = decoded[..colon];
        var secret = decoded[(colon + 1)..];
        candidates = [(id, secret), (FormDecode(id), FormDecode(secret))];
        return true;
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static bool SecretEquals(string sent, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected));
}

/// <summary>The authenticated client, or why authentication failed (never echoing what was sent).</summary>
internal sealed record ClientAuthResult(FakeOAuthClient? Client, string? Error, bool BasicSent)
{
    public static ClientAuthResult Ok(FakeOAuthClient client) => new(client, null, false);

    public static ClientAuthResult Fail(string error, bool basicSent) => new(null, error, basicSent);
}
