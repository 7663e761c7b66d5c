namespace Tributary.FakeProviders;

/// <summary>
/// Names of the fakes' endpoints: they label <see cref="FakeRequest.Endpoint"/> and scope injected faults
/// (<see cref="FaultInjector.Inject"/>).
/// </summary>
public static class FakeEndpoints
{
    /// <summary><c>GET</c>/<c>POST {OAuth}/authorize</c>: the consent page and its answer.</summary>
    public const string OAuthAuthorize = "oauth.authorize";

    /// <summary><c>POST {OAuth}/token</c>: every grant type.</summary>
    public const string OAuthToken = "oauth.token";

    /// <summary><c>GET {GitHub}/repos/{owner}/{repo}/issues</c>.</summary>
    public const string GitHubIssues = "github.issues";

    /// <summary><c>GET {GitHub}/repos/{owner}/{repo}/issues/{number}</c>.</summary>
    public const string GitHubIssue = "github.issue";

    /// <summary><c>GET {GitHub}/repos/{owner}/{repo}/issues/{number}/comments</c>.</summary>
    public const string GitHubIssueComments = "github.issue-comments";

    /// <summary><c>GET {GitHub}/repos/{owner}/{repo}/issues/comments</c>: every comment of the repository.</summary>
    public const string GitHubRepositoryComments = "github.repository-comments";

    /// <summary><c>GET {HubSpot}/crm/v3/objects/contacts</c>.</summary>
    public const string HubSpotContacts = "hubspot.contacts";

    /// <summary><c>POST {HubSpot}/crm/v3/objects/contacts/search</c>.</summary>
    public const string HubSpotContactsSearch = "hubspot.contacts-search";

    /// <summary><c>GET {HubSpot}/offset/items</c>: the offset-paginated endpoint.</summary>
    public const string HubSpotOffsetItems = "hubspot.offset-items";
}
