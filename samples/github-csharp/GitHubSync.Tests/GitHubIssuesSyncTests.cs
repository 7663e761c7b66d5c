using System.Text.Json.Nodes;
using Tributary.Sdk.Testing;

namespace GitHubSync.Tests;

/// <summary>
/// The sync on recorded answers: <c>Fixtures/full</c> is what <c>tributary dryrun --save-responses</c> saved from a
/// repository of 5 issues with 2 comments each, read 2 to a page (<c>per_page</c> in the metadata).
/// </summary>
public sealed class GitHubIssuesSyncTests
{
    private static readonly Uri Api = new("https://api.github.test/");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullPass_SavesEveryIssueAndComment_AndTheCheckpointAfterEveryPage()
    {
        var replay = RecordedResponses.FromDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures", "full"));
        var context = Context(replay);

        await new GitHubIssuesSync().RunAsync(context, Token);

        var issues = context.LiveRecordsOf(GitHubIssuesSync.IssueModel);
        var comments = context.LiveRecordsOf(GitHubIssuesSync.CommentModel);
        Assert.Equal(["1", "2", "3", "4", "5"], issues.Select(i => i.Id));
        Assert.Equal("closed", (string?)issues[3].Payload["state"]); // every fourth issue is closed
        Assert.Equal(10, comments.Count);
        Assert.All(comments, c => Assert.InRange((long)c.Payload["issue_number"]!, 1, 5));
        Assert.Equal(3 + 6, replay.Requests.Count); // 3 pages of issues; 5 full pages of comments and an empty one
        Assert.Equal(replay.Requests.Count + 1, context.CheckpointSaves); // one per page, and the pass's end
        Assert.Equal("issues", (string?)context.StoredCheckpoint!["phase"]);
        Assert.NotNull((string?)context.StoredCheckpoint["since"]);
        Assert.Empty(context.OpenDeletionWindows);
    }

    [Fact]
    public async Task FullPass_DeletesRecordsTheRepositoryNoLongerHas()
    {
        var context = Context(RecordedResponses.FromDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures", "full")));
        context.SeedRecords([new JsonObject { ["id"] = "999", ["title"] = "deleted on GitHub" }], GitHubIssuesSync.IssueModel);

        await new GitHubIssuesSync().RunAsync(context, Token);

        Assert.True(context.Find(GitHubIssuesSync.IssueModel, "999")!.IsDeleted);
        Assert.Equal(1, context.ChangesOf(GitHubIssuesSync.IssueModel).Deleted);
    }

    [Fact]
    public async Task IncrementalRun_AsksOnlyForChangesSinceTheLastPass_AndDeletesNothing()
    {
        const string Since = "2024-01-01T00:05:00Z";
        var replay = new RecordedResponses()
            .Add("GET", "repos/octo-org/octo-repo/issues?state=all&sort=updated&direction=asc&per_page=2&page=1&since=2024-01-01T00%3A05%3A00Z", 200, new JsonArray(Issue(5, "2024-01-02T00:00:00Z")))
            .Add("GET", "repos/octo-org/octo-repo/issues/comments?sort=updated&direction=asc&per_page=2&page=1&since=2024-01-01T00%3A05%3A00Z", 200, new JsonArray());
        var context = Context(replay);
        context.SeedRecords([new JsonObject { ["id"] = "1", ["title"] = "unchanged" }], GitHubIssuesSync.IssueModel);
        context.StoredCheckpoint = new JsonObject { ["since"] = Since, ["phase"] = "issues", ["page"] = 1 };

        await new GitHubIssuesSync().RunAsync(context, Token);

        Assert.All(replay.Requests, r => Assert.Contains("since=2024-01-01T00%3A05%3A00Z", r, StringComparison.Ordinal));
        Assert.Equal(["1", "5"], context.LiveRecordsOf(GitHubIssuesSync.IssueModel).Select(i => i.Id));
        Assert.Equal("2024-01-02T00:00:00Z", (string?)context.StoredCheckpoint!["since"]);
    }

    [Fact]
    public async Task ARunThatFailsMidPass_ResumesAtThePageItReached()
    {
        var replay = new RecordedResponses()
            .Add("GET", "repos/octo-org/octo-repo/issues?state=all&sort=updated&direction=asc&per_page=2&page=1", 200, new JsonArray(Issue(1, "2024-01-01T00:01:00Z"), Issue(2, "2024-01-01T00:02:00Z")))
            .Add("GET", "repos/octo-org/octo-repo/issues?state=all&sort=updated&direction=asc&per_page=2&page=2", 502, new JsonObject { ["message"] = "Server Error" });
        var context = Context(replay);

        await Assert.ThrowsAsync<HttpRequestException>(() => new GitHubIssuesSync().RunAsync(context, Token));

        Assert.Equal(2, (int)context.StoredCheckpoint!["page"]!);
        Assert.Equal("2024-01-01T00:02:00Z", (string?)context.StoredCheckpoint["high_water"]);
        Assert.Equal(2, context.LiveRecordsOf(GitHubIssuesSync.IssueModel).Count);
    }

    private static TestSyncContext Context(RecordedResponses replay) =>
        new([GitHubIssuesSync.IssueModel, GitHubIssuesSync.CommentModel], new JsonObject { ["owner"] = "octo-org", ["repo"] = "octo-repo", ["per_page"] = 2 })
        {
            HttpHandler = replay,
            HttpBaseAddress = Api,
        };

    private static JsonObject Issue(int number, string updatedAt) => new()
    {
        ["number"] = number,
        ["title"] = $"Issue {number}",
        ["body"] = null,
        ["state"] = "open",
        ["user"] = new JsonObject { ["login"] = "user0" },
        ["labels"] = new JsonArray(),
        ["comments"] = 0,
        ["created_at"] = "2024-01-01T00:00:00Z",
        ["updated_at"] = updatedAt,
        ["closed_at"] = null,
    };
}
