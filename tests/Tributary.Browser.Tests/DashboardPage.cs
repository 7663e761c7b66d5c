using PuppeteerSharp;
using Tributary.Testing;
using Tributary.Testing.Browser;

namespace Tributary.Browser.Tests;

/// <summary>The dashboard as a user drives it: sign in, go to a screen, wait for what it shows, take its picture.</summary>
internal sealed class DashboardPage
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly TestServer _server;

    public DashboardPage(BrowserPage browser, TestServer server)
    {
        Browser = browser;
        _server = server;
    }

    public BrowserPage Browser { get; }

    public IPage Page => Browser.Page;

    public Uri DashboardUrl => new(_server.BaseUrl, "dashboard/");

    public async Task OpenAsync()
    {
        await Page.GoToAsync(DashboardUrl.ToString());
    }

    public async Task SignInAsync(string secretKey)
    {
        await OpenAsync();
        await ShowsAsync("#signin-form");
        await Page.TypeAsync("#secret-key", secretKey);
        await Task.WhenAll(Page.WaitForNavigationAsync(), Page.ClickAsync("#signin-button"));
        await ShowsAsync("#main[data-view]");
    }

    /// <summary>Goes to a hash route (<c>#/runs</c>) and waits for the selector the screen shows when loaded.</summary>
    public async Task GoAsync(string hash, string loaded)
    {
        await Page.EvaluateFunctionAsync("h => { window.location.hash = h; }", hash);
        await ShowsAsync(loaded);
    }

    /// <summary>Waits until the page shows an element; fails with the page's errors on timeout.</summary>
    public async Task ShowsAsync(string selector)
    {
        try
        {
            await Page.WaitForSelectorAsync(selector, new WaitForSelectorOptions { Timeout = (int)Wait.TotalMilliseconds });
        }
        catch (WaitTaskTimeoutException e)
        {
            throw new TimeoutException($"Waited {Wait.TotalSeconds} s for {selector}; page errors: [{string.Join("; ", Browser.Errors)}].", e);
        }
    }

    /// <summary>
    /// Clicks the element the selector finds now, in one step in the page: live screens re-render while they poll,
    /// and a click through the protocol (find, scroll, press, release) could meet a replaced element.
    /// </summary>
    public async Task ClickAsync(string selector)
    {
        await ShowsAsync(selector);
        await Page.EvaluateFunctionAsync("s => document.querySelector(s).click()", selector);
    }

    /// <summary>Waits until a JavaScript expression is true; fails with <paramref name="what"/> on timeout.</summary>
    public async Task UntilAsync(string expression, string what)
    {
        try
        {
            await Page.WaitForExpressionAsync(expression, new WaitForFunctionOptions { Timeout = (int)Wait.TotalMilliseconds, PollingInterval = 100 });
        }
        catch (WaitTaskTimeoutException e)
        {
            throw new TimeoutException($"Waited {Wait.TotalSeconds} s for {what} ({expression}); page errors: [{string.Join("; ", Browser.Errors)}].", e);
        }
    }

    public Task<T> EvalAsync<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    /// <summary>Runs fetch in the page (with its cookies) and returns the status.</summary>
    public Task<int> FetchStatusAsync(string path, string method = "GET", string? csrf = null, string? body = null) =>
        Page.EvaluateFunctionAsync<int>(
            """
            async (path, method, csrf, body) => {
              const headers = { 'Content-Type': 'application/json' };
              if (csrf) { headers['X-Tributary-Csrf'] = csrf; }
              const response = await fetch(path, { method, headers, body: body || undefined, credentials: 'same-origin' });
              return response.status;
            }
            """,
            path, method, csrf ?? string.Empty, body ?? string.Empty);

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = await Browser.ScreenshotAsync(name);
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        Console.WriteLine($"screenshot: {path}");
        return path;
    }
}
