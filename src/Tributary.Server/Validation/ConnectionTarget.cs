namespace Tributary.Server.Validation;

/// <summary>The connection <c>GET</c>/<c>DELETE /connections/{connectionId}</c> names, and the read options.</summary>
/// <param name="AsksForGitHubAppJwt"><c>refresh_github_app_jwt_token=true</c>: nothing to refresh here, but it asks for credentials.</param>
internal sealed record ConnectionTarget(string ConnectionId, string ProviderConfigKey, bool ReturnRefreshToken, bool ForceRefresh, bool AsksForGitHubAppJwt = false)
{
    /// <summary>Whether the read asks for more than the stored credentials (Nango: 403 without the credentials scope).</summary>
    public bool AsksForCredentialOptions => ReturnRefreshToken || ForceRefresh || AsksForGitHubAppJwt;
}
