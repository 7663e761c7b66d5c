namespace Tributary.Core.Credentials;

/// <summary>Why credentials are asked for, which decides whether they are refreshed.</summary>
public abstract record CredentialDemand
{
    /// <summary>Refresh when the token expires within the provider's buffer (never a token without expiry).</summary>
    public static readonly CredentialDemand Fresh = new FreshDemand();

    /// <summary><c>force_refresh=true</c>: refresh even a fresh token (when there is a refresh token).</summary>
    public static readonly CredentialDemand Force = new ForceDemand();

    /// <summary>The provider answered 401 to <paramref name="AccessToken"/>: refresh unless another caller already replaced it.</summary>
    public static CredentialDemand Rejected(string accessToken) => new RejectedDemand(accessToken);

    internal sealed record FreshDemand : CredentialDemand;

    internal sealed record ForceDemand : CredentialDemand;

    internal sealed record RejectedDemand(string AccessToken) : CredentialDemand;
}
