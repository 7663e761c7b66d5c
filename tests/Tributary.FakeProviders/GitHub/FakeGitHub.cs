using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.FakeProviders;

/// <summary>
/// A GitHub-like REST API over one repository (<see cref="Owner"/>/<see cref="Repo"/>): issues with <c>Link</c>
/// paging, <c>since</c>, <c>X-RateLimit-*</c> headers and GitHub's rate-limit answers, and issue comments. Requires a
/// bearer token issued by <see cref="FakeOAuthServer"/> unless <see cref="RequireAuthentication"/> is off.
/// </summary>
public sealed class FakeGitHub : FakeApi
{
    private readonly TokenStore _tokens;

    internal FakeGitHub(TimeProvider timeProvider, TokenStore tokens, FakeProvidersOptions options)
        : base("/github", timeProvider)
    {
        _tokens = tokens;
        Owner = options.GitHubOwner;
        Repo = options.GitHubRepo;
        RateLimit = new GitHubRateLimit(timeProvider) { Limit = options.GitHubRateLimit };
        Issues.PutMany(GitHubSeed.Issues(options.GitHubIssues));
        Comments.PutMany(GitHubSeed.Comments(options.GitHubIssues, options.GitHubCommentsPerIssue));
        Views = new GitHubViews(this);
    }

    /// <summary>The repository owner served (others answer 404).</summary>
    public string Owner { get; }

    /// <summary>The repository name served.</summary>
    public string Repo { get; }

    /// <summary>The repository's issues, keyed by number.</summary>
    public FakeDataSet<FakeIssue> Issues { get; } = new(i => i.Number);

    /// <summary>Every issue comment, keyed by comment id.</summary>
    public FakeDataSet<FakeIssueComment> Comments { get; } = new(c => c.Id);

    /// <summary>The issues path of the repository, e.g. <c>/repos/octo-org/octo-repo/issues</c> (relative to <see cref="FakeApi.BaseUrl"/>).</summary>
    public string IssuesPath => $"/repos/{Owner}/{Repo}/issues";

    /// <summary>Answer 401 without a valid bearer token. Default true.</summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>Requests per hour before the primary rate limit answers 403 (sent as <c>X-RateLimit-Limit</c>).</summary>
    public int RateLimitPerHour
    {
        get => RateLimit.Limit;
        set => RateLimit.Limit = value;
    }

    internal GitHubRateLimit RateLimit { get; }

    internal GitHubViews Views { get; }

    /// <summary>Starts a fresh rate-limit window with the whole budget.</summary>
    public void ResetRateLimit() => RateLimit.Reset();

    /// <summary>Opens a new issue with the next number, created and updated now.</summary>
    public FakeIssue AddIssue(string title, string body = "")
    {
        var now = FakeClock.ToSeconds(TimeProvider.GetUtcNow());
        return Issues.Locked(() =>
        {
            var number = Issues.MaxKey() + 1;
            var issue = new FakeIssue(number, GitHubSeed.IssueIdBase + number, title, body, "open", "user0", [], now, now, null);
            Issues.Put(issue);
            return issue;
        });
    }

    /// <summary>Moves an issue's <c>updated_at</c> to <paramref name="at"/> (default now), as any edit on GitHub does.</summary>
    public FakeIssue TouchIssue(long number, DateTimeOffset? at = null)
    {
        var when = FakeClock.ToSeconds(at ?? TimeProvider.GetUtcNow());
        return Issues.Update(number, issue => issue with { UpdatedAt = when });
    }

    /// <summary>Closes an issue now (updating <c>updated_at</c> and <c>closed_at</c>).</summary>
    public FakeIssue CloseIssue(long number)
    {
        var now = FakeClock.ToSeconds(TimeProvider.GetUtcNow());
        return Issues.Update(number, issue => issue with { State = "closed", ClosedAt = now, UpdatedAt = now });
    }

    /// <summary>Deletes an issue and its comments; false when it did not exist.</summary>
    public bool DeleteIssue(long number)
    {
        foreach (var comment in Comments.All.Where(c => c.IssueNumber == number))
        {
            Comments.Remove(comment.Id);
        }

        return Issues.Remove(number);
    }

    /// <summary>Adds a comment now; like GitHub, this also moves the issue's <c>updated_at</c>.</summary>
    public FakeIssueComment AddComment(long issueNumber, string body)
    {
        var now = FakeClock.ToSeconds(TimeProvider.GetUtcNow());
        TouchIssue(issueNumber, now);
        return Comments.Locked(() =>
        {
            var comment = new FakeIssueComment(Math.Max(Comments.MaxKey(), GitHubSeed.CommentIdBase) + 1, issueNumber, body, "user0", now, now);
            Comments.Put(comment);
            return comment;
        });
    }

    internal override void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix + "/repos/{owner}/{repo}/issues");
        group.MapGet("", context => GitHubEndpoints.ListIssuesAsync(context, this)).WithName(FakeEndpoints.GitHubIssues);
        group.MapGet("/comments", context => GitHubEndpoints.ListRepositoryCommentsAsync(context, this)).WithName(FakeEndpoints.GitHubRepositoryComments);
        group.MapGet("/{number:long}", context => GitHubEndpoints.GetIssueAsync(context, this)).WithName(FakeEndpoints.GitHubIssue);
        group.MapGet("/{number:long}/comments", context => GitHubEndpoints.ListIssueCommentsAsync(context, this)).WithName(FakeEndpoints.GitHubIssueComments);
    }

    internal TokenCheck Authenticate(HttpRequest request, out TimeSpan expiredFor)
    {
        expiredFor = TimeSpan.Zero;
        return RequireAuthentication ? _tokens.Check(BearerToken.Read(request), out expiredFor) : TokenCheck.Valid;
    }

    internal void WriteRateLimitHeaders(HttpResponse response, int remaining, DateTimeOffset resetAt, int used)
    {
        response.Headers["X-RateLimit-Limit"] = RateLimit.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = resetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Used"] = used.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Resource"] = "core";
    }

    internal override Task WriteFaultAsync(HttpContext context, Fault fault)
    {
        if (fault.Kind == FaultKind.PrimaryRateLimit)
        {
            var resetAt = FakeClock.ToSeconds(TimeProvider.GetUtcNow() + (fault.RetryAfter ?? TimeSpan.Zero)).AddSeconds(1);
            WriteRateLimitHeaders(context.Response, 0, resetAt, RateLimit.Limit);
        }

        return FaultResponses.WriteAsync(context, fault, static (writer, f) => GitHubJson.WriteErrorProperties(writer, f.StatusCode, f.Kind switch
        {
            FaultKind.PrimaryRateLimit => GitHubJson.PrimaryRateLimitMessage,
            FaultKind.SecondaryRateLimit => GitHubJson.SecondaryRateLimitMessage,
            FaultKind.TooManyRequests => "Too Many Requests",
            _ => "Server Error",
        }));
    }
}
