namespace Tributary.FakeProviders;

/// <summary>A comment on an issue of the fake GitHub repository.</summary>
/// <param name="Id">The comment id, the collection key.</param>
/// <param name="IssueNumber">The issue it belongs to.</param>
/// <param name="Body">The text.</param>
/// <param name="UserLogin">The author's login.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record FakeIssueComment(
    long Id,
    long IssueNumber,
    string Body,
    string UserLogin,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
