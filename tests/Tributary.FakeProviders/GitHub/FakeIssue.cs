namespace Tributary.FakeProviders;

/// <summary>An issue of the fake GitHub repository (immutable; change one with <c>with</c>).</summary>
/// <param name="Number">The issue number, the collection key.</param>
/// <param name="Id">GitHub's global numeric id.</param>
/// <param name="Title">The title.</param>
/// <param name="Body">The body text.</param>
/// <param name="State"><c>open</c> or <c>closed</c>.</param>
/// <param name="UserLogin">The author's login.</param>
/// <param name="Labels">Label names.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change; drives <c>since</c> and <c>sort=updated</c>.</param>
/// <param name="ClosedAt">When it was closed, or null.</param>
/// <param name="IsPullRequest">GitHub lists pull requests among issues, with a <c>pull_request</c> object.</param>
public sealed record FakeIssue(
    long Number,
    long Id,
    string Title,
    string Body,
    string State,
    string UserLogin,
    IReadOnlyList<string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    bool IsPullRequest = false);
