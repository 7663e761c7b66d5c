namespace Tributary.FakeProviders;

/// <summary>Tokens the fake authorization server issued.</summary>
/// <param name="AccessToken">The bearer token the fake APIs accept until <paramref name="ExpiresAt"/>.</param>
/// <param name="RefreshToken">The refresh token, or null when none was issued.</param>
/// <param name="ExpiresAt">When the access token stops working (by the fakes' <see cref="TimeProvider"/>).</param>
/// <param name="Scope">The granted scopes, joined by the server's scope separator.</param>
public sealed record FakeTokenSet(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, string Scope)
{
    /// <summary>Leaves the tokens out: they are secrets.</summary>
    public override string ToString() => $"FakeTokenSet {{ ExpiresAt = {ExpiresAt:O}, Scope = {Scope} }}";
}
