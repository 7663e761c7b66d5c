using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Browser.Tests;

/// <summary>
/// The dashboard in headless Chromium against a real server: a user's whole session, with a screenshot of each screen
/// (<c>artifacts/screenshots</c>, paths printed).
/// </summary>
public sealed class DashboardFlowTests : IClassFixture<ChromiumFixture>
{
    private readonly ChromiumFixture _chromium;

    public DashboardFlowTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_CreateAConnection_TriggerAndWatchTheRun_PageRecords_PauseReset_SignOut()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        var dashboard = new DashboardPage(browser, server);

        // Sign in.
        await dashboard.OpenAsync();
        await dashboard.ShowsAsync("#signin-form");
        await dashboard.ScreenshotAsync("01-sign-in");
        await dashboard.SignInAsync(server.SecretKey);
        await dashboard.ShowsAsync("#connections-table");
        Assert.StartsWith("dev · ", await dashboard.EvalAsync<string>("document.getElementById('who').textContent"), StringComparison.Ordinal);

        // Create a connection through the form; the OAuth button waits for the connect flow.
        await dashboard.Page.SelectAsync("#new-integration", "demo");
        await dashboard.Page.TypeAsync("#new-connection-id", "acme");
        await dashboard.Page.TypeAsync("#new-metadata", """{"records": 60, "batch_size": 10, "delay_ms_per_batch": 150}""");
        Assert.True(await dashboard.EvalAsync<bool>("document.getElementById('oauth-connect').disabled"));
        await dashboard.ScreenshotAsync("02-connections-new");
        await dashboard.ClickAsync("#new-connection-submit");
        await dashboard.ShowsAsync("#syncs-table tr[data-sync='contacts']");
        Assert.Equal("acme", await dashboard.EvalAsync<string>("document.getElementById('connection-title').textContent"));
        Assert.Contains("\"records\": 60", await dashboard.EvalAsync<string>("document.getElementById('connection-metadata').textContent"), StringComparison.Ordinal);

        // Trigger a sync and watch its run go live, then finish.
        await dashboard.ClickAsync("tr[data-sync='contacts'] .sync-trigger");
        var runs = await Eventually.ValueAsync(
            token => server.Client.SendAsync(HttpMethod.Get, "runs?connection_id=acme", null, null, token),
            answer => answer?["runs"]?.AsArray().Count == 1,
            TimeSpan.FromSeconds(10),
            "the dashboard's trigger to queue a run",
            Token);
        var runId = (string)runs!["runs"]![0]!["id"]!;
        await dashboard.GoAsync($"#/run/{runId}", "#run-state");
        await dashboard.UntilAsync("document.querySelector('#run-state')?.dataset.state === 'running'", "the run to show as running");
        await dashboard.ScreenshotAsync("03-run-live");
        await dashboard.UntilAsync("document.querySelector('#run-state')?.dataset.state === 'succeeded'", "the run to finish on screen");
        Assert.Contains("Contact +60", await dashboard.EvalAsync<string>("document.getElementById('run-summary').textContent"), StringComparison.Ordinal);
        Assert.True(await dashboard.EvalAsync<bool>("document.getElementById('run-cancel').hidden"));
        // The run's log (GET /runs/{id}/logs) ends with the engine's outcome line.
        await dashboard.UntilAsync(
            "[...document.querySelectorAll('#run-logs li')].some(li => li.textContent.includes('Succeeded:'))",
            "the run's log to show its outcome line");
        await dashboard.ScreenshotAsync("04-run-finished");
        await dashboard.GoAsync("#/runs", $"#runs-table tr[data-run='{runId}'][data-state='succeeded']");
        await dashboard.ScreenshotAsync("05-runs");

        // Page through the records and open one.
        await dashboard.GoAsync("#/records?integration=demo&connection=acme&model=Contact&limit=25", "#records-table tbody tr");
        var firstPage = await dashboard.EvalAsync<string[]>("[...document.querySelectorAll('#records-table tbody tr')].map(r => r.dataset.id)");
        await dashboard.ClickAsync("#records-next");
        await dashboard.UntilAsync("document.getElementById('records-page').textContent.startsWith('page 2')", "the second page");
        var secondPage = await dashboard.EvalAsync<string[]>("[...document.querySelectorAll('#records-table tbody tr')].map(r => r.dataset.id)");
        await dashboard.ClickAsync("#records-table tbody tr");
        await dashboard.ShowsAsync("#record-json");
        var json = JsonNode.Parse(await dashboard.EvalAsync<string>("document.getElementById('record-json').textContent"))!;
        await dashboard.ScreenshotAsync("06-records");
        Assert.Equal(25, firstPage.Length);
        Assert.Equal(25, secondPage.Length);
        Assert.Empty(firstPage.Intersect(secondPage));
        Assert.Equal(secondPage[0], (string?)json["id"]);
        Assert.Equal("ADDED", (string?)json["_nango_metadata"]!["last_action"]);

        // The connection's syncs: pause, then reset + empty cache (cancelled once, then confirmed), then start.
        await dashboard.GoAsync("#/connection/demo/acme", "#syncs-table tr[data-sync='contacts']");
        await dashboard.UntilAsync("document.querySelector(\"tr[data-sync='contacts'] td:nth-child(5)\").textContent.includes('Contact: 60')", "the record count");
        await dashboard.ClickAsync("tr[data-sync='contacts'] .sync-pause");
        await dashboard.UntilAsync("document.querySelector(\"tr[data-sync='contacts'] .badge\").textContent === 'PAUSED'", "the sync to show as paused");
        await dashboard.ClickAsync("tr[data-sync='contacts'] .sync-reset-empty");
        await dashboard.ShowsAsync("#confirm[open]");
        await dashboard.ScreenshotAsync("07-confirm-reset-empty-cache");
        await dashboard.ClickAsync("#confirm-cancel");
        await dashboard.UntilAsync("!document.querySelector('#confirm[open]')", "the dialog to close");
        var afterCancel = await server.Client.SendAsync(HttpMethod.Get, "runs?connection_id=acme", null, null, Token);
        Assert.Single(afterCancel!["runs"]!.AsArray());
        await dashboard.ClickAsync("tr[data-sync='contacts'] .sync-reset-empty");
        await dashboard.ShowsAsync("#confirm[open]");
        await dashboard.ClickAsync("#confirm-ok");
        var reset = await Eventually.ValueAsync(
            token => server.Client.SendAsync(HttpMethod.Get, "runs?connection_id=acme", null, null, token),
            answer => answer?["runs"]?.AsArray().Count == 2,
            TimeSpan.FromSeconds(10),
            "the confirmed reset to queue a run",
            Token);
        Assert.True((bool)reset!["runs"]![0]!["reset"]!);
        Assert.True((bool)reset["runs"]![0]!["empty_cache"]!);
        await dashboard.ClickAsync("tr[data-sync='contacts'] .sync-start");
        await dashboard.UntilAsync("document.querySelector(\"tr[data-sync='contacts'] .badge\").textContent !== 'PAUSED'", "the sync to start again");
        await dashboard.ScreenshotAsync("08-connection");

        // The other screens.
        await dashboard.GoAsync("#/connections", "#connections-table a.connection-link");
        await dashboard.ScreenshotAsync("09-connections");
        await dashboard.GoAsync("#/integrations", "#integrations-table");
        await dashboard.ScreenshotAsync("10-integrations");
        await dashboard.GoAsync("#/webhooks", "#webhooks-empty");
        await dashboard.ScreenshotAsync("11-webhooks");

        // Nothing complained: no CSP violation, no script error, no failed request.
        Assert.Empty(browser.Errors);

        // Sign out: back to the form, and the API refuses the browser.
        await Task.WhenAll(dashboard.Page.WaitForNavigationAsync(), dashboard.Page.ClickAsync("#signout"));
        await dashboard.ShowsAsync("#signin-form");
        Assert.Equal(401, await dashboard.FetchStatusAsync("api/connections"));
        Assert.Empty(await dashboard.Page.GetCookiesAsync(dashboard.DashboardUrl.ToString()));
    }
}
