using System.Text.Json;

namespace Tributary.FakeProviders;

/// <summary>GitHub's JSON shapes: issues, comments and error bodies.</summary>
internal static class GitHubJson
{
    public const string DocumentationUrl = "https://docs.github.com/rest";

    public const string PrimaryRateLimitMessage =
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000.";

    public const string SecondaryRateLimitMessage =
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000.";

    public static void WriteIssue(Utf8JsonWriter writer, FakeGitHub gitHub, FakeIssue issue)
    {
        var url = gitHub.Url($"{gitHub.IssuesPath}/{issue.Number}").ToString();
        writer.WriteStartObject();
        writer.WriteNumber("id", issue.Id);
        writer.WriteString("node_id", $"I_fake{issue.Id}");
        writer.WriteString("url", url);
        writer.WriteString("repository_url", gitHub.Url($"/repos/{gitHub.Owner}/{gitHub.Repo}").ToString());
        writer.WriteString("comments_url", url + "/comments");
        writer.WriteString("html_url", $"https://github.com/{gitHub.Owner}/{gitHub.Repo}/issues/{issue.Number}");
        writer.WriteNumber("number", issue.Number);
        writer.WriteString("title", issue.Title);
        WriteUser(writer, issue.UserLogin);
        writer.WriteStartArray("labels");
        foreach (var label in issue.Labels)
        {
            writer.WriteStartObject();
            writer.WriteString("name", label);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("state", issue.State);
        writer.WriteBoolean("locked", false);
        writer.WriteNumber("comments", gitHub.Views.CommentCount(issue.Number));
        writer.WriteString("created_at", Time(issue.CreatedAt));
        writer.WriteString("updated_at", Time(issue.UpdatedAt));
        if (issue.ClosedAt is { } closedAt)
        {
            writer.WriteString("closed_at", Time(closedAt));
        }
        else
        {
            writer.WriteNull("closed_at");
        }

        writer.WriteString("body", issue.Body);
        if (issue.IsPullRequest)
        {
            writer.WriteStartObject("pull_request");
            writer.WriteString("url", gitHub.Url($"/repos/{gitHub.Owner}/{gitHub.Repo}/pulls/{issue.Number}").ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static void WriteComment(Utf8JsonWriter writer, FakeGitHub gitHub, FakeIssueComment comment)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", comment.Id);
        writer.WriteString("node_id", $"IC_fake{comment.Id}");
        writer.WriteString("url", gitHub.Url($"{gitHub.IssuesPath}/comments/{comment.Id}").ToString());
        writer.WriteString("issue_url", gitHub.Url($"{gitHub.IssuesPath}/{comment.IssueNumber}").ToString());
        writer.WriteString("body", comment.Body);
        WriteUser(writer, comment.UserLogin);
        writer.WriteString("created_at", Time(comment.CreatedAt));
        writer.WriteString("updated_at", Time(comment.UpdatedAt));
        writer.WriteEndObject();
    }

    public static void WriteErrorProperties(Utf8JsonWriter writer, int status, string message)
    {
        writer.WriteString("message", message);
        writer.WriteString("documentation_url", DocumentationUrl);
        writer.WriteString("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteUser(Utf8JsonWriter writer, string login)
    {
        writer.WriteStartObject("user");
        writer.WriteString("login", login);
        writer.WriteString("type", "User");
        writer.WriteEndObject();
    }
}
