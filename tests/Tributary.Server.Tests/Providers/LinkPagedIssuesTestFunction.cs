using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Sdk;
using Tributary.Sdk.Paging;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// A test-only sync of the fake GitHub's issues through the SDK's pagination helper: the provider's
/// <c>proxy.paginate</c> (a <c>Link</c> pagination with <c>per_page</c>) with this call's page size, each page saved as
/// <c>Issue</c> records. <see cref="AfterPage"/> lets a test act once after a given page (expire the token) for one
/// connection.
/// </summary>
internal sealed class LinkPagedIssuesTestFunction : ISyncFunction
{
    public const string Name = "test-github-link-paged-issues";

    public const string Endpoint = "repos/octo-org/octo-repo/issues?state=all&sort=created&direction=asc";

    public static ConcurrentDictionary<string, (int Page, Action Hook)> AfterPage { get; } = new();

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        await foreach (var page in context.PaginateAsync(Endpoint, new PaginationOptions { Limit = 100 }, cancellationToken))
        {
            await context.BatchSaveAsync(page.Items.Select(ToRecord).ToList(), "Issue", cancellationToken);
            if (AfterPage.TryGetValue(context.ConnectionId, out var after) && after.Page == page.Number && AfterPage.TryRemove(context.ConnectionId, out _))
            {
                after.Hook();
            }
        }
    }

    /// <summary>The issue's fields as GitHub names them, with its number as the record id.</summary>
    private static JsonObject ToRecord(JsonElement issue) => new()
    {
        ["id"] = issue.GetProperty("number").GetInt64(),
        ["github_id"] = issue.GetProperty("id").GetInt64(),
        ["title"] = issue.GetProperty("title").GetString(),
        ["body"] = issue.GetProperty("body").GetString(),
        ["state"] = issue.GetProperty("state").GetString(),
        ["user"] = issue.GetProperty("user").GetProperty("login").GetString(),
        ["labels"] = new JsonArray([.. issue.GetProperty("labels").EnumerateArray().Select(l => (JsonNode?)l.GetProperty("name").GetString())]),
        ["created_at"] = issue.GetProperty("created_at").GetString(),
        ["updated_at"] = issue.GetProperty("updated_at").GetString(),
        ["closed_at"] = issue.GetProperty("closed_at").ValueKind == JsonValueKind.Null ? null : issue.GetProperty("closed_at").GetString(),
    };
}
