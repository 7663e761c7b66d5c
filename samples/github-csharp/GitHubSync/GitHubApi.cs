using System.Text.Json.Serialization;

namespace GitHubSync;

/// <summary>The fields of GitHub's issue answer the sync reads.</summary>
internal sealed record ApiIssue(
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("user")] ApiUser? User,
    [property: JsonPropertyName("labels")] IReadOnlyList<ApiLabel>? Labels,
    [property: JsonPropertyName("comments")] int Comments,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("closed_at")] string? ClosedAt,
    [property: JsonPropertyName("pull_request")] object? PullRequest)
{
    public GitHubIssue ToRecord() => new(
        Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Number,
        Title,
        Body,
        State,
        User?.Login,
        [.. (Labels ?? []).Select(l => l.Name)],
        Comments,
        CreatedAt,
        UpdatedAt,
        ClosedAt);
}

/// <summary>The fields of GitHub's issue comment answer the sync reads.</summary>
internal sealed record ApiComment(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("issue_url")] string IssueUrl,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("user")] ApiUser? User,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt)
{
    /// <summary>GitHub names a comment's issue only by URL (<c>…/issues/42</c>).</summary>
    public GitHubComment ToRecord() => new(
        Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        long.Parse(IssueUrl[(IssueUrl.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
        Body,
        User?.Login,
        CreatedAt,
        UpdatedAt);
}

internal sealed record ApiUser([property: JsonPropertyName("login")] string Login);

internal sealed record ApiLabel([property: JsonPropertyName("name")] string Name);
