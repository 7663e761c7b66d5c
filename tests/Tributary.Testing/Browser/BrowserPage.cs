using System.Collections.Concurrent;
using PuppeteerSharp;

namespace Tributary.Testing.Browser;

/// <summary>
/// A page in its own browser context, with what the page complained about: console errors (a Content Security
/// Policy violation is one) and uncaught exceptions, so a test can assert there were none.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _errors = new();

    internal BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                _errors.Enqueue($"console: {e.Message.Text}");
            }
        };
        page.PageError += (_, e) => _errors.Enqueue($"exception: {e.Message}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions, in order.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Saves a full-page PNG as <c>{name}.png</c> in <see cref="HeadlessChromium.ScreenshotFolder"/> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(HeadlessChromium.ScreenshotFolder(), $"{name}.png");
        await Page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        await _context.CloseAsync();
    }
}
