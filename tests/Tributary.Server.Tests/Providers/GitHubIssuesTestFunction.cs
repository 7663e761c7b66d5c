using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Sdk;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// A test-only sync of the fake GitHub's issues through <see cref="SyncContext.Http"/>: follows the <c>Link</c>
/// header's <c>next</c> page and saves each issue as an <c>Issue</c> record. <see cref="AfterFirstPage"/> lets a test
/// act mid-run (expire the token) for one connection.
/// </summary>
internal sealed partial class GitHubIssuesTestFunction : ISyncFunction
{
    public const string Name = "test-github-issues";

    public static ConcurrentDictionary<string, Action> AfterFirstPage { get; } = new();

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        string? next = "repos/octo-org/octo-repo/issues?state=all&per_page=50";
        for (var page = 1; next is not null && page <= 1_000; page++)
        {
            using var response = await context.Http.GetAsync(new Uri(next, UriKind.RelativeOrAbsolute), cancellationToken);
            response.EnsureSuccessStatusCode();
            var issues = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsArray();
            var records = issues.Select(i => new JsonObject { ["id"] = (long)i!["number"]!, ["title"] = (string?)i["title"] }).ToList();
            await context.BatchSaveAsync(records, "Issue", cancellationToken);
            next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(string.Join(",", links)) is { Success: true } m ? m.Groups[1].Value : null : null;
            if (page == 1 && AfterFirstPage.TryRemove(context.ConnectionId, out var hook))
            {
                hook();
            }
        }
    }

    [GeneratedRegex("<([^>]+)>;\\s*rel=\"next\"")]
    private static partial Regex NextLink();
}
