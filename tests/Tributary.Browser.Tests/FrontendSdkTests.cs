using System.Text.Json.Nodes;
using PuppeteerSharp;
using Tributary.FakeProviders;
using Tributary.Testing;
using Tributary.Testing.Browser;

namespace Tributary.Browser.Tests;

/// <summary>
/// Nango's own frontend SDK (<c>@nangohq/frontend</c> <see cref="FrontendSdk.Version"/>, from npm) on a product's page
/// in headless Chromium: <c>nango.auth(...)</c> with a connect session token opens its popup, which goes through
/// Tributary's <c>/oauth/connect</c>, the fake OAuth server's consent page and <c>/oauth/callback</c>; the SDK learns
/// the end over its WebSocket at <c>/</c>. Screenshots of each step go to <c>artifacts/screenshots/frontend-sdk-*</c>.
/// </summary>
public sealed class FrontendSdkTests : IClassFixture<ChromiumFixture>, IClassFixture<ProductPageFixture>
{
    private const string SecretVariable = "TRIBUTARY_TEST_FAKE_CLIENT_SECRET";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly ChromiumFixture _chromium;
    private readonly ProductPageFixture _product;

    public FrontendSdkTests(ChromiumFixture chromium, ProductPageFixture product)
    {
        _chromium = chromium;
        _product = product;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Auth_WithASessionToken_GoesThroughThePopup_ResolvesWithNangosShape_AndTheConnectionHasTokens()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartServerAsync(fakes);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        await OpenProductPageAsync(browser, server, await CreateSessionAsync(server), "gh");
        await ScreenshotAsync(browser.Page, "frontend-sdk-01-product-page");

        var popup = await ClickConnectAsync(browser.Page);
        await popup.WaitForSelectorAsync("#consent", new WaitForSelectorOptions { Timeout = (int)Wait.TotalMilliseconds });
        Assert.StartsWith(fakes.OAuth.AuthorizeUrl.ToString(), popup.Url, StringComparison.Ordinal);
        await ScreenshotAsync(popup, "frontend-sdk-02-consent");
        await popup.EvaluateExpressionAsync("document.getElementById('allow').click()");

        var outcome = await OutcomeAsync(browser, "resolved");
        await ScreenshotAsync(browser.Page, "frontend-sdk-03-resolved");
        Assert.Equal("gh", (string?)outcome["providerConfigKey"]);
        Assert.False((bool)outcome["isPending"]!);
        var connectionId = (string)outcome["connectionId"]!;
        Assert.True(Guid.TryParse(connectionId, out _), connectionId);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh&refresh_token=true", null, null, Token);
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)connection!["credentials"]!["access_token"]!));
        Assert.NotNull((string?)connection["credentials"]!["refresh_token"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("authorization_code"));
        // The SDK closes its popup once it has the answer.
        await Eventually.TrueAsync(_ => Task.FromResult(popup.IsClosed), Wait, "the SDK to close its popup", Token);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Auth_ConsentDenied_RejectsWithNangosCallbackError_AndCreatesNothing()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartServerAsync(fakes);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        await OpenProductPageAsync(browser, server, await CreateSessionAsync(server), "gh");

        var popup = await ClickConnectAsync(browser.Page);
        await popup.WaitForSelectorAsync("#consent", new WaitForSelectorOptions { Timeout = (int)Wait.TotalMilliseconds });
        await ScreenshotAsync(popup, "frontend-sdk-04-consent-before-deny");
        await popup.EvaluateExpressionAsync("document.getElementById('deny').click()");

        var outcome = await OutcomeAsync(browser, "rejected");
        await ScreenshotAsync(browser.Page, "frontend-sdk-05-rejected");
        Assert.True((bool)outcome["authError"]!);
        Assert.Equal("callback_err", (string?)outcome["type"]);
        Assert.Contains("error: access_denied", (string?)outcome["message"], StringComparison.Ordinal);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Empty(list!["connections"]!.AsArray());
        Assert.Equal(0, fakes.OAuth.TokenRequestCount("authorization_code"));
    }

    [Fact]
    public async Task Auth_WithAnUnknownSessionToken_RejectsWithTheTokenError_InsteadOfWaitingForever()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartServerAsync(fakes);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        await OpenProductPageAsync(browser, server, "nango_connect_session_" + new string('0', 64), "gh");

        var popup = await ClickConnectAsync(browser.Page);
        await popup.WaitForSelectorAsync("#result[data-result='error']", new WaitForSelectorOptions { Timeout = (int)Wait.TotalMilliseconds });
        await ScreenshotAsync(popup, "frontend-sdk-06-unknown-token-popup");

        var outcome = await OutcomeAsync(browser, "rejected");
        await ScreenshotAsync(browser.Page, "frontend-sdk-07-unknown-token-rejected");
        Assert.True((bool)outcome["authError"]!);
        Assert.Equal("unknown_connect_session_token", (string?)outcome["type"]);
        Assert.Empty(fakes.OAuth.Requests.Entries);
    }

    [Fact]
    public async Task Auth_ForAnUnknownIntegration_RejectsWithNangosProviderConfigError()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartServerAsync(fakes);
        await using var browser = await _chromium.Chromium.NewPageAsync(Token);
        await OpenProductPageAsync(browser, server, await CreateSessionAsync(server), "nope");

        await ClickConnectAsync(browser.Page);

        var outcome = await OutcomeAsync(browser, "rejected");
        Assert.True((bool)outcome["authError"]!);
        Assert.Equal("provider_config_err", (string?)outcome["type"]);
        Assert.Contains("nope", (string?)outcome["message"], StringComparison.Ordinal);
        Assert.Empty(fakes.OAuth.Requests.Entries);
    }

    private async Task OpenProductPageAsync(BrowserPage browser, TestServer server, string sessionToken, string integration)
    {
        await browser.Page.GoToAsync(_product.Page.For(server.BaseUrl, sessionToken, integration).AbsoluteUri);
        await browser.Page.WaitForSelectorAsync("body[data-ready='true']", new WaitForSelectorOptions { Timeout = (int)Wait.TotalMilliseconds });
    }

    /// <summary>Clicks "Connect" (a real click: the SDK opens its popup in the click's handler) and returns the popup.</summary>
    private static async Task<IPage> ClickConnectAsync(IPage page)
    {
        var popup = new TaskCompletionSource<IPage>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Popup += (_, e) => popup.TrySetResult(e.PopupPage);
        await page.ClickAsync("#connect");
        return await popup.Task.WaitAsync(Wait, Token);
    }

    /// <summary>Waits for the SDK's promise to settle as <paramref name="state"/> and returns what it settled with.</summary>
    private static async Task<JsonNode> OutcomeAsync(BrowserPage browser, string state)
    {
        try
        {
            await browser.Page.WaitForExpressionAsync(
                "document.getElementById('outcome').dataset.state !== 'waiting'",
                new WaitForFunctionOptions { Timeout = (int)Wait.TotalMilliseconds, PollingInterval = 100 });
        }
        catch (WaitTaskTimeoutException e)
        {
            throw new TimeoutException($"The SDK's promise did not settle within {Wait.TotalSeconds} s; page errors: [{string.Join("; ", browser.Errors)}].", e);
        }

        var settled = await browser.Page.EvaluateExpressionAsync<string>("document.getElementById('outcome').dataset.state");
        var text = await browser.Page.EvaluateExpressionAsync<string>("document.getElementById('outcome').textContent");
        Assert.True(settled == state, $"The promise settled as {settled}, not {state}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(HeadlessChromium.ScreenshotFolder(), $"{name}.png");
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }

    private static async Task<string> CreateSessionAsync(TestServer server)
    {
        var created = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "end-user-1" } }, null, Token);
        return (string)created!["data"]!["token"]!;
    }

    private static Task<TestServer> StartServerAsync(FakeProviders.FakeProviders fakes)
    {
        // tributary.yaml never holds a client secret: it names the variable that does.
        Environment.SetEnvironmentVariable(SecretVariable, FakeOAuthServer.DefaultClient.ClientSecret);
        var config = $"""
            providers:
              fake-github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}

            integrations:
              gh:
                provider: fake-github
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {SecretVariable}
            """;
        return TestServer.StartAsync(TestDialect.Sqlite, Token, config);
    }
}
