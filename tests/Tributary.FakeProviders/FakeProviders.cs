using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tributary.FakeProviders;

/// <summary>
/// Fake OAuth provider, GitHub-like and HubSpot-like APIs on one Kestrel server on 127.0.0.1 (a free port), served
/// under path prefixes: <c>/oauth</c>, <c>/github</c>, <c>/hubspot</c>. Real HTTP, so anything that talks to real
/// providers can talk to these.
/// </summary>
/// <example>
/// <code>
/// await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 10_000 }, ct);
/// var tokens = fakes.OAuth.IssueTokens();
/// using var http = new HttpClient();
/// http.DefaultRequestHeaders.Authorization = new("Bearer", tokens.AccessToken);
/// var page = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?state=all&amp;per_page=100"), ct);
/// </code>
/// </example>
public sealed class FakeProviders : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeProviders(WebApplication app, Uri baseUrl, FakeOAuthServer oauth, FakeGitHub gitHub, FakeHubSpot hubSpot, TimeProvider timeProvider)
    {
        _app = app;
        BaseUrl = baseUrl;
        OAuth = oauth;
        GitHub = gitHub;
        HubSpot = hubSpot;
        TimeProvider = timeProvider;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The OAuth 2.0 authorization server.</summary>
    public FakeOAuthServer OAuth { get; }

    /// <summary>The GitHub-like API.</summary>
    public FakeGitHub GitHub { get; }

    /// <summary>The HubSpot-like API.</summary>
    public FakeHubSpot HubSpot { get; }

    /// <summary>The clock the fakes use.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public static async Task<FakeProviders> StartAsync(FakeProvidersOptions? options, CancellationToken cancellationToken)
    {
        options ??= new FakeProvidersOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.GitHubIssues);
        ArgumentOutOfRangeException.ThrowIfNegative(options.GitHubCommentsPerIssue);
        ArgumentOutOfRangeException.ThrowIfNegative(options.HubSpotContacts);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.GitHubRateLimit, 1);

        var oauth = new FakeOAuthServer(options.TimeProvider);
        var gitHub = new FakeGitHub(options.TimeProvider, oauth.Tokens, options);
        var hubSpot = new FakeHubSpot(options.TimeProvider, oauth.Tokens, options);
        FakeApi[] fakes = [oauth, gitHub, hubSpot];

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.UseRouting();
        var logging = new RequestLogging(fakes);
        app.Use(logging.InvokeAsync);
        foreach (var fake in fakes)
        {
            fake.Map(app);
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var baseUrl = new Uri(address.TrimEnd('/') + "/");
        foreach (var fake in fakes)
        {
            fake.Bind(baseUrl);
        }

        return new FakeProviders(app, baseUrl, oauth, gitHub, hubSpot, options.TimeProvider);
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
