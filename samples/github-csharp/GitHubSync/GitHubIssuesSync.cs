using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Sdk;

namespace GitHubSync;

/// <summary>
/// Syncs a repository's issues and their comments. The first run (and the first after a reset) is a full pass that
/// also detects deletions: records the pass did not see are deleted when it ends. Every later run is incremental —
/// only what changed since the newest <c>updated_at</c> of the previous pass (GitHub's <c>since</c>). The checkpoint is
/// saved after every page (<see cref="SyncPosition"/>), so an interrupted run resumes where it stopped.
/// </summary>
/// <remarks>
/// The connection's metadata names the repository: <c>{"owner": "octo-org", "repo": "octo-repo"}</c>, and optionally
/// <c>per_page</c> (1–100, default 100). Pages are numbered and sorted by <c>updated</c> ascending, so a pass that resumes
/// on page <c>n</c> asks for the same slice again.
/// </remarks>
[SyncFunction(Name, Models = [IssueModel, CommentModel])]
public sealed class GitHubIssuesSync : ISyncFunction
{
    public const string Name = "github-sample-issues";
    public const string IssueModel = "GitHubIssue";
    public const string CommentModel = "GitHubComment";

    /// <summary>A bound on pages per phase (1,000,000 issues at 100 a page), so a provider that never ends a list cannot loop forever.</summary>
    private const int MaxPages = 10_000;

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var repository = Repository.From(context.Metadata);
        var position = SyncPosition.From(await context.GetCheckpointAsync(cancellationToken));
        if (position.IsFull)
        {
            // Opening a window that is already open (a full pass resumed after a failure) keeps its start.
            await context.TrackDeletesStartAsync(IssueModel, cancellationToken);
            await context.TrackDeletesStartAsync(CommentModel, cancellationToken);
        }

        if (position.Phase == SyncPosition.IssuesPhase)
        {
            position = await SyncPagesAsync<ApiIssue>(context, repository.IssuesUrl, position, IssueModel, cancellationToken);
        }

        position = await SyncPagesAsync<ApiComment>(context, repository.CommentsUrl, position, CommentModel, cancellationToken);
        if (position.IsFull)
        {
            var issues = await context.TrackDeletesEndAsync(IssueModel, cancellationToken);
            var comments = await context.TrackDeletesEndAsync(CommentModel, cancellationToken);
            context.Logger.LogInformation("Full pass done: {Issues} issues and {Comments} comments no longer exist.", issues.Count, comments.Count);
        }

        await context.SaveCheckpointAsync(position.Next().ToJson(), cancellationToken);
    }

    /// <summary>Saves one phase page by page, the checkpoint after each; returns the position after the phase.</summary>
    private static async Task<SyncPosition> SyncPagesAsync<T>(
        SyncContext context, Func<int, string?, string> url, SyncPosition position, string model, CancellationToken cancellationToken)
    {
        for (var page = position.Page; page <= MaxPages; page++)
        {
            using var response = await context.Http.GetAsync(new Uri(url(page, position.Since), UriKind.Relative), cancellationToken);
            response.EnsureSuccessStatusCode();
            var items = await response.Content.ReadFromJsonAsync<List<T>>(cancellationToken) ?? [];
            var (records, updatedAt) = model == IssueModel
                ? Issues(items.Cast<ApiIssue>())
                : Comments(items.Cast<ApiComment>());
            await context.BatchSaveAsync(records, model, cancellationToken);
            position = position.Seen(updatedAt);
            var last = items.Count < Repository.PageSizeOf(context.Metadata);
            position = last
                ? position with { Phase = SyncPosition.CommentsPhase, Page = 1 }
                : position with { Page = page + 1 };
            await context.SaveCheckpointAsync(position.ToJson(), cancellationToken);
            if (last)
            {
                return position;
            }
        }

        throw new InvalidOperationException($"{model}: more than {MaxPages} pages; stopped rather than loop.");
    }

    private static (IReadOnlyList<object> Records, IEnumerable<string> UpdatedAt) Issues(IEnumerable<ApiIssue> issues)
    {
        var all = issues.ToList();
        return ([.. all.Where(i => i.PullRequest is null).Select(i => i.ToRecord())], all.Select(i => i.UpdatedAt));
    }

    private static (IReadOnlyList<object> Records, IEnumerable<string> UpdatedAt) Comments(IEnumerable<ApiComment> comments)
    {
        var all = comments.ToList();
        return ([.. all.Select(c => c.ToRecord())], all.Select(c => c.UpdatedAt));
    }

    /// <summary>The repository the metadata names, and the two list URLs (sorted by update, oldest first).</summary>
    private sealed record Repository(string Owner, string Repo, int PageSize)
    {
        public static Repository From(JsonObject metadata) => new(
            (string?)metadata["owner"] ?? throw new ArgumentException("The connection's metadata has no 'owner' (the repository's owner)."),
            (string?)metadata["repo"] ?? throw new ArgumentException("The connection's metadata has no 'repo' (the repository's name)."),
            PageSizeOf(metadata));

        public static int PageSizeOf(JsonObject metadata) =>
            metadata["per_page"] is JsonValue value && value.TryGetValue<int>(out var size) && size is >= 1 and <= 100 ? size : 100;

        public string IssuesUrl(int page, string? since) =>
            $"repos/{Owner}/{Repo}/issues?state=all&sort=updated&direction=asc&per_page={PageSize.ToString(CultureInfo.InvariantCulture)}&page={page.ToString(CultureInfo.InvariantCulture)}{Since(since)}";

        public string CommentsUrl(int page, string? since) =>
            $"repos/{Owner}/{Repo}/issues/comments?sort=updated&direction=asc&per_page={PageSize.ToString(CultureInfo.InvariantCulture)}&page={page.ToString(CultureInfo.InvariantCulture)}{Since(since)}";

        private static string Since(string? since) => since is null ? string.Empty : $"&since={Uri.EscapeDataString(since)}";
    }
}
