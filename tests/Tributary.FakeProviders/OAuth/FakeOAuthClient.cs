namespace Tributary.FakeProviders;

/// <summary>An OAuth client (an "app") registered with the fake authorization server.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The secret; null makes a public client (PKCE, no secret at the token endpoint).</param>
public sealed record FakeOAuthClient(string ClientId, string? ClientSecret)
{
    /// <summary>The redirect URIs accepted, compared exactly; empty accepts any absolute http(s) URI.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>The scopes this client may ask for; empty accepts any.</summary>
    public IReadOnlyList<string> AllowedScopes { get; init; } = [];
}
