namespace Tributary.FakeProviders;

/// <summary>How the token endpoint answers <c>grant_type=refresh_token</c> while the switch is on.</summary>
public enum RefreshFailure
{
    /// <summary>Refreshes work.</summary>
    None,

    /// <summary>400 <c>{"error":"invalid_grant"}</c>, as when a user revoked the app; the refresh token stays valid.</summary>
    InvalidGrant,

    /// <summary>500 with an error body: a provider outage.</summary>
    ServerError,
}
