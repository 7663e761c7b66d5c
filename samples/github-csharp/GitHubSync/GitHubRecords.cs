using System.Text.Json.Serialization;

namespace GitHubSync;

/// <summary>An issue as the sync stores it (pull requests, which GitHub lists as issues too, are left out).</summary>
public sealed record GitHubIssue(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("comments")] int Comments,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("closed_at")] string? ClosedAt);

/// <summary>An issue comment as the sync stores it.</summary>
public sealed record GitHubComment(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("issue_number")] long IssueNumber,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt);
