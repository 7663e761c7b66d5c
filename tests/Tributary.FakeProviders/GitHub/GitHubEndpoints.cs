using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>The GitHub-like routes. Each checks the token, counts against the rate limit, then serves.</summary>
internal static class GitHubEndpoints
{
    public static async Task ListIssuesAsync(HttpContext context, FakeGitHub gitHub)
    {
        if (await RefuseAsync(context, gitHub))
        {
            return;
        }

        if (!TryReadSince(context, out var since))
        {
            await WriteValidationFailedAsync(context, "since");
            return;
        }

        var state = context.Request.Query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var sort = context.Request.Query["sort"].ToString() is { Length: > 0 } o ? o : "created";
        var direction = context.Request.Query["direction"].ToString() is { Length: > 0 } d ? d : "desc";
        if (state is not ("open" or "closed" or "all"))
        {
            await WriteValidationFailedAsync(context, "state");
            return;
        }

        if (sort is not ("created" or "updated" or "comments") || direction is not ("asc" or "desc"))
        {
            await WriteValidationFailedAsync(context, sort is "created" or "updated" or "comments" ? "direction" : "sort");
            return;
        }

        var labels = context.Request.Query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var view = gitHub.Views.Issues(sort, direction == "asc");
        await WritePageAsync(
            context,
            view,
            issue => (state == "all" || string.Equals(issue.State, state, StringComparison.Ordinal))
                && (since is null || issue.UpdatedAt >= since)
                && labels.All(l => issue.Labels.Contains(l, StringComparer.Ordinal)),
            (writer, issue) => GitHubJson.WriteIssue(writer, gitHub, issue));
    }

    public static async Task GetIssueAsync(HttpContext context, FakeGitHub gitHub)
    {
        if (await RefuseAsync(context, gitHub))
        {
            return;
        }

        if (!TryReadNumber(context, out var number) || gitHub.Issues.Get(number) is not { } issue)
        {
            await WriteNotFoundAsync(context);
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => GitHubJson.WriteIssue(writer, gitHub, issue));
    }

    public static async Task ListIssueCommentsAsync(HttpContext context, FakeGitHub gitHub)
    {
        if (await RefuseAsync(context, gitHub))
        {
            return;
        }

        if (!TryReadNumber(context, out var number) || gitHub.Issues.Get(number) is null)
        {
            await WriteNotFoundAsync(context);
            return;
        }

        if (!TryReadSince(context, out var since))
        {
            await WriteValidationFailedAsync(context, "since");
            return;
        }

        await WritePageAsync(
            context,
            gitHub.Views.CommentsOf(number),
            comment => since is null || comment.UpdatedAt >= since,
            (writer, comment) => GitHubJson.WriteComment(writer, gitHub, comment));
    }

    public static async Task ListRepositoryCommentsAsync(HttpContext context, FakeGitHub gitHub)
    {
        if (await RefuseAsync(context, gitHub))
        {
            return;
        }

        if (!TryReadSince(context, out var since))
        {
            await WriteValidationFailedAsync(context, "since");
            return;
        }

        // Without sort GitHub lists by ascending id; with sort the direction defaults to desc.
        IEnumerable<FakeIssueComment> comments = gitHub.Comments.All;
        var sort = context.Request.Query["sort"].ToString();
        if (sort is "created" or "updated")
        {
            var ascending = string.Equals(context.Request.Query["direction"], "asc", StringComparison.Ordinal);
            Func<FakeIssueComment, DateTimeOffset> key = sort == "created" ? c => c.CreatedAt : c => c.UpdatedAt;
            comments = ascending ? comments.OrderBy(key).ThenBy(c => c.Id) : comments.OrderByDescending(key).ThenByDescending(c => c.Id);
        }

        await WritePageAsync(
            context,
            [.. comments],
            comment => since is null || comment.UpdatedAt >= since,
            (writer, comment) => GitHubJson.WriteComment(writer, gitHub, comment));
    }

    /// <summary>Answers 401, 403 (primary rate limit) or 404 (another repository) and returns true; else counts the request.</summary>
    private static async Task<bool> RefuseAsync(HttpContext context, FakeGitHub gitHub)
    {
        if (gitHub.Authenticate(context.Request, out _) != TokenCheck.Valid)
        {
            await JsonResponse.WriteObjectAsync(context, 401, writer => GitHubJson.WriteErrorProperties(writer, 401, "Bad credentials"));
            return true;
        }

        var allowed = gitHub.RateLimit.TryTake(out var remaining, out var resetAt, out var used);
        gitHub.WriteRateLimitHeaders(context.Response, remaining, resetAt, used);
        if (!allowed)
        {
            await JsonResponse.WriteObjectAsync(context, 403, writer => GitHubJson.WriteErrorProperties(writer, 403, GitHubJson.PrimaryRateLimitMessage));
            return true;
        }

        var owner = context.Request.RouteValues["owner"] as string;
        var repo = context.Request.RouteValues["repo"] as string;
        if (!string.Equals(owner, gitHub.Owner, StringComparison.OrdinalIgnoreCase) || !string.Equals(repo, gitHub.Repo, StringComparison.OrdinalIgnoreCase))
        {
            await WriteNotFoundAsync(context);
            return true;
        }

        return false;
    }

    private static Task WritePageAsync<T>(HttpContext context, IReadOnlyList<T> items, Func<T, bool> include, Action<Utf8JsonWriter, T> write)
    {
        var (perPage, page) = PageLinks.Read(context.Request);
        var skip = (long)(page - 1) * perPage;
        var total = 0;
        var selected = new List<T>(perPage);
        foreach (var item in items)
        {
            if (!include(item))
            {
                continue;
            }

            if (total >= skip && selected.Count < perPage)
            {
                selected.Add(item);
            }

            total++;
        }

        PageLinks.Write(context, page, perPage, total);
        return JsonResponse.WriteAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var item in selected)
            {
                write(writer, item);
            }

            writer.WriteEndArray();
        });
    }

    private static bool TryReadSince(HttpContext context, out DateTimeOffset? since)
    {
        since = null;
        var value = context.Request.Query["since"].ToString();
        if (value.Length == 0)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        since = parsed;
        return true;
    }

    private static bool TryReadNumber(HttpContext context, out long number) =>
        long.TryParse(context.Request.RouteValues["number"] as string, CultureInfo.InvariantCulture, out number);

    private static Task WriteNotFoundAsync(HttpContext context) =>
        JsonResponse.WriteObjectAsync(context, 404, writer => GitHubJson.WriteErrorProperties(writer, 404, "Not Found"));

    private static Task WriteValidationFailedAsync(HttpContext context, string field) =>
        JsonResponse.WriteObjectAsync(context, 422, writer =>
        {
            writer.WriteString("message", "Validation Failed");
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteString("resource", "Issue");
            writer.WriteString("field", field);
            writer.WriteString("code", "invalid");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("documentation_url", GitHubJson.DocumentationUrl);
            writer.WriteString("status", "422");
        });
}
