using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Browser.Tests;

/// <summary>What a browser can do without a session, without the CSRF token, and with attacker-controlled data.</summary>
public sealed class DashboardSecurityTests : IClassFixture<ChromiumFixture>
{
    /// <summary>Strings that run script if a screen ever treats data as HTML; each sets <c>window.__pwned</c>.</summary>
    private const string ImgPayload = "<img src=x onerror=window.__pwned='img'>";
    private const string ScriptPayload = "<script>window.__pwned='script'</script>";

    private const string HostileConfig = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              hostile:
                function: hostile
                models: [Note]
                frequency: every 1h
                auto_start: false
        """;

    private readonly ChromiumFixture _chromium;

    public DashboardSecurityTests(ChromiumFixture chromium)
    {
        _chromium = chromium;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutASession_OnlyTheSignInFormLoads_AndEveryApiCallIs401()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        var dashboard = new DashboardPage(browser, server);

        await dashboard.OpenAsync();
        await dashboard.ShowsAsync("#signin-form");
        var api = await dashboard.FetchStatusAsync("api/connections");
        var post = await dashboard.FetchStatusAsync("api/connections", "POST", body: "{}");
        var script = await dashboard.FetchStatusAsync("app.js");
        var session = await dashboard.FetchStatusAsync("session");
        await dashboard.Page.TypeAsync("#secret-key", Guid.NewGuid().ToString());
        await dashboard.ClickAsync("#signin-button");
        await dashboard.UntilAsync("document.getElementById('signin-error').textContent.length > 0", "the sign-in error");
        var error = await dashboard.EvalAsync<string>("document.getElementById('signin-error').textContent");
        await dashboard.ScreenshotAsync("12-sign-in-refused");

        Assert.Equal(401, api);
        Assert.Equal(401, post);
        Assert.Equal(401, script);
        Assert.Equal(401, session);
        Assert.Contains("does not match any account", error, StringComparison.Ordinal);
        Assert.Empty(await dashboard.Page.GetCookiesAsync(dashboard.DashboardUrl.ToString()));
    }

    [Fact]
    public async Task SignedIn_StateChangesNeedTheCsrfToken_TheCookieIsHttpOnly_AndThePublicApiIgnoresIt()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        var dashboard = new DashboardPage(browser, server);
        await dashboard.SignInAsync(server.SecretKey);
        var connection = new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "forged",
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
        }.ToJsonString();

        var withoutToken = await dashboard.FetchStatusAsync("api/connections", "POST", body: connection);
        var wrongToken = await dashboard.FetchStatusAsync("api/connections", "POST", csrf: "guess", body: connection);
        var signOutWithoutToken = await dashboard.FetchStatusAsync("session", "DELETE");
        var read = await dashboard.FetchStatusAsync("api/connections");
        var publicApi = await dashboard.FetchStatusAsync("../connections");
        var scriptVisibleCookies = await dashboard.EvalAsync<string>("document.cookie");
        var cookie = Assert.Single(await dashboard.Page.GetCookiesAsync(dashboard.DashboardUrl.ToString()));
        var connections = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        Assert.Equal(403, withoutToken);
        Assert.Equal(403, wrongToken);
        Assert.Equal(403, signOutWithoutToken);
        Assert.Equal(200, read);
        Assert.Equal(401, publicApi);
        Assert.Equal(string.Empty, scriptVisibleCookies);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(PuppeteerSharp.SameSite.Strict, cookie.SameSite);
        Assert.Empty(connections!["connections"]!.AsArray());
    }

    [Fact]
    public async Task HostileRecordsAndMetadata_RenderAsText_AndDeletedRecordsAreMarked()
    {
        await using var server = await TestServer.StartAsync(
            TestDialect.Sqlite, Token, HostileConfig, services: s => s.AddSyncFunction<HostileFunction>("hostile"));
        await server.CreateConnectionAsync("victim", new JsonObject { ["note"] = ImgPayload, [ScriptPayload] = "key" }, Token);
        var runId = await server.TriggerAsync("victim", "hostile", Token);
        var run = await server.WaitForRunAsync(runId, Token);
        Assert.Equal("succeeded", (string?)run["state"]);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        var dashboard = new DashboardPage(browser, server);
        await dashboard.SignInAsync(server.SecretKey);

        await dashboard.GoAsync("#/connection/demo/victim", "#connection-metadata");
        await dashboard.ShowsAsync("tr[data-sync='hostile'] pre.json");
        var metadata = await dashboard.EvalAsync<string>("document.getElementById('connection-metadata').textContent");
        var checkpoint = await dashboard.EvalAsync<string>("document.querySelector(\"tr[data-sync='hostile'] pre.json\").textContent");
        await dashboard.ScreenshotAsync("13-xss-connection");
        await dashboard.GoAsync("#/records?integration=demo&connection=victim&model=Note", "#records-table tbody tr");
        await dashboard.ClickAsync("#records-table tbody tr");
        await dashboard.ShowsAsync("#record-json");
        var table = await dashboard.EvalAsync<string>("document.getElementById('records-table').textContent");
        var json = await dashboard.EvalAsync<string>("document.getElementById('record-json').textContent");
        var deleted = await dashboard.EvalAsync<string[]>("[...document.querySelectorAll('#records-table tr.deleted')].map(r => r.dataset.id)");
        var deletedBadge = await dashboard.EvalAsync<string>("document.querySelector('#records-table tr.deleted .badge-deleted').textContent");
        await dashboard.ScreenshotAsync("14-xss-records");

        Assert.Contains(ImgPayload, metadata, StringComparison.Ordinal);
        Assert.Contains(ScriptPayload, metadata, StringComparison.Ordinal);
        Assert.Contains(ScriptPayload, checkpoint, StringComparison.Ordinal);
        Assert.Contains(ImgPayload, table, StringComparison.Ordinal);
        Assert.Contains(ScriptPayload, json, StringComparison.Ordinal);
        Assert.Contains(ImgPayload, json, StringComparison.Ordinal);
        Assert.Equal(["gone"], deleted);
        Assert.Equal("deleted", deletedBadge);
        Assert.Equal("undefined", await dashboard.EvalAsync<string>("typeof window.__pwned"));
        Assert.Equal(0, await dashboard.EvalAsync<int>("document.querySelectorAll('#main img, #main script').length"));
        Assert.DoesNotContain(browser.Errors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteConnection_AsksFirst_DeletesOnlyWhenConfirmed_AndAnAskAgainRightAfterACancelGetsItsOwnAnswer()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.CreateConnectionAsync("doomed", null, Token);
        await server.CreateConnectionAsync("doomed-too", null, Token);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        var dashboard = new DashboardPage(browser, server);
        await dashboard.SignInAsync(server.SecretKey);

        await dashboard.GoAsync("#/connection/demo/doomed", "#connection-delete");
        await dashboard.ClickAsync("#connection-delete");
        await dashboard.ShowsAsync("#confirm[open]");
        await dashboard.ScreenshotAsync("15-confirm-delete");
        await dashboard.ClickAsync("#confirm-cancel");
        var afterCancel = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        await dashboard.ClickAsync("#connection-delete");
        await dashboard.ShowsAsync("#confirm[open]");
        await dashboard.ClickAsync("#confirm-ok");
        await dashboard.ShowsAsync("#connections-table");
        var afterConfirm = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        // The dialog's close event is queued: cancelling and asking again before it arrives once handed the cancel
        // to the second prompt, and its Confirm then did nothing (a CI run of the steps above met it).
        await dashboard.GoAsync("#/connection/demo/doomed-too", "#connection-delete");
        await dashboard.Page.EvaluateExpressionAsync(
            """
            document.querySelector('#connection-delete').click();
            document.querySelector('#confirm-cancel').click();
            document.querySelector('#connection-delete').click();
            """);
        await dashboard.ClickAsync("#confirm[open] #confirm-ok");
        await dashboard.ShowsAsync("#connections-table");
        var afterQuickAsk = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        Assert.Equal(2, afterCancel!["connections"]!.AsArray().Count);
        Assert.Equal(["doomed-too"], afterConfirm!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
        Assert.Empty(afterQuickAsk!["connections"]!.AsArray());
        Assert.Empty(browser.Errors);
    }

    /// <summary>Writes a record, and saves a checkpoint, whose strings are markup an unsafe screen would run.</summary>
    private sealed class HostileFunction : ISyncFunction
    {
        public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
        {
            var records = new List<JsonObject>
            {
                new() { ["id"] = ImgPayload, ["title"] = ScriptPayload, ["html"] = ImgPayload },
                new() { ["id"] = "plain", ["title"] = "plain" },
                new() { ["id"] = "gone", ["title"] = "deleted in the same run" },
            };
            await context.BatchSaveAsync(records, "Note", cancellationToken);
            await context.BatchDeleteAsync(new List<JsonObject> { new() { ["id"] = "gone" } }, "Note", cancellationToken);
            await context.SaveCheckpointAsync(new JsonObject { ["page"] = ScriptPayload }, cancellationToken);
        }
    }
}
