namespace Tributary.FakeProviders;

/// <summary>
/// Sorted views of the repository, rebuilt only after the data changed: a 100,000-issue benchmark pages through
/// the same order a thousand times, and re-sorting on every page would make the fake the bottleneck.
/// </summary>
internal sealed class GitHubViews(FakeGitHub gitHub)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Sort, bool Ascending), (int Version, FakeIssue[] Issues)> _issues = [];
    private (int Version, Dictionary<long, FakeIssueComment[]> ByIssue) _comments = (-1, []);

    public FakeIssue[] Issues(string sort, bool ascending)
    {
        var (items, version) = gitHub.Issues.Snapshot();
        lock (_lock)
        {
            if (_issues.TryGetValue((sort, ascending), out var cached) && cached.Version == version)
            {
                return cached.Issues;
            }
        }

        var ordered = sort switch
        {
            "updated" => items.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Number),
            "comments" => items.OrderBy(i => CommentCount(i.Number)).ThenBy(i => i.Number),
            _ => items.OrderBy(i => i.CreatedAt).ThenBy(i => i.Number),
        };
        FakeIssue[] view = ascending ? [.. ordered] : [.. ordered.Reverse()];
        lock (_lock)
        {
            _issues[(sort, ascending)] = (version, view);
        }

        return view;
    }

    public int CommentCount(long issueNumber) => CommentsOf(issueNumber).Length;

    public FakeIssueComment[] CommentsOf(long issueNumber) =>
        CommentsByIssue().TryGetValue(issueNumber, out var comments) ? comments : [];

    private Dictionary<long, FakeIssueComment[]> CommentsByIssue()
    {
        var (items, version) = gitHub.Comments.Snapshot();
        lock (_lock)
        {
            if (_comments.Version != version)
            {
                _comments = (version, items.GroupBy(c => c.IssueNumber).ToDictionary(g => g.Key, g => g.ToArray()));
            }

            return _comments.ByIssue;
        }
    }
}
