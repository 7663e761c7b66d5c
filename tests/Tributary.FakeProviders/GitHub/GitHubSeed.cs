namespace Tributary.FakeProviders;

/// <summary>The deterministic starting data of the fake GitHub repository: the same for the same counts, every run.</summary>
internal static class GitHubSeed
{
    public const long IssueIdBase = 100_000_000;
    public const long CommentIdBase = 500_000_000;

    public static IEnumerable<FakeIssue> Issues(int count)
    {
        for (long n = 1; n <= count; n++)
        {
            yield return Issue(n);
        }
    }

    public static FakeIssue Issue(long n)
    {
        var created = FakeClock.Epoch.AddMinutes(n);
        // Spread updates over a day after creation so sort=updated differs from creation order.
        var updated = created.AddSeconds(n * 7919 % 86_400);
        var closed = n % 4 == 0;
        return new FakeIssue(
            n,
            IssueIdBase + n,
            $"Issue {n}",
            $"Body of issue {n}.",
            closed ? "closed" : "open",
            $"user{n % 10}",
            n % 3 == 0 ? ["bug"] : [],
            created,
            updated,
            closed ? updated : null);
    }

    public static IEnumerable<FakeIssueComment> Comments(int issues, int perIssue)
    {
        for (long n = 1; n <= issues; n++)
        {
            var issueCreated = FakeClock.Epoch.AddMinutes(n);
            for (var k = 1; k <= perIssue; k++)
            {
                var created = issueCreated.AddSeconds(k * 10);
                yield return new FakeIssueComment(
                    CommentIdBase + ((n - 1) * perIssue) + k,
                    n,
                    $"Comment {k} on issue {n}.",
                    $"user{(n + k) % 10}",
                    created,
                    created);
            }
        }
    }
}
