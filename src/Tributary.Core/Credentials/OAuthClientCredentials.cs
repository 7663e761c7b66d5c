namespace Tributary.Core.Credentials;

/// <summary>An OAuth app's id, secret and scopes, decrypted for one token request. Never logged.</summary>
public sealed record OAuthClientCredentials(string ClientId, string? ClientSecret, IReadOnlyList<string> Scopes)
{
    public override string ToString() => $"OAuthClientCredentials {{ ClientId = {ClientId} }}";
}
