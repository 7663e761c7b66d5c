namespace Tributary.FakeProviders;

/// <summary>How <see cref="FakeProviders.StartAsync"/> sets the fakes up. Everything else is a switch on the running fakes.</summary>
public sealed class FakeProvidersOptions
{
    /// <summary>The clock for token expiry, codes, rate-limit windows and "now" in data changes. Pass a <c>FakeTimeProvider</c> to move time by hand.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seeded issues of the GitHub repository, numbered from 1. Default 100.</summary>
    public int GitHubIssues { get; init; } = 100;

    /// <summary>Seeded comments per issue. Default 2.</summary>
    public int GitHubCommentsPerIssue { get; init; } = 2;

    /// <summary>The repository owner. Default <c>octo-org</c>.</summary>
    public string GitHubOwner { get; init; } = "octo-org";

    /// <summary>The repository name. Default <c>octo-repo</c>.</summary>
    public string GitHubRepo { get; init; } = "octo-repo";

    /// <summary>Primary rate limit per hour, as GitHub's 5,000; raise it for benchmarks. Default 5,000.</summary>
    public int GitHubRateLimit { get; init; } = 5000;

    /// <summary>Seeded HubSpot contacts, ids from 1. Default 100.</summary>
    public int HubSpotContacts { get; init; } = 100;
}
