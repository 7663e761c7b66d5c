using PuppeteerSharp;

namespace Tributary.Testing.Browser;

/// <summary>
/// Headless Chromium for browser tests: the distribution's <c>chromium</c> binary (Debian's package, which
/// <c>scripts/test.sh</c> installs when it is missing) driven by PuppeteerSharp over the DevTools protocol. It never
/// downloads a browser. One instance per test class is enough; each <see cref="NewPageAsync"/> opens an isolated
/// browser context (its own cookies and storage), so tests never share a session.
/// </summary>
/// <example>
/// <code>
/// await using var chromium = await HeadlessChromium.LaunchAsync(ct);
/// await using var page = await chromium.NewPageAsync(ct);
/// await page.Page.GoToAsync(url);
/// await page.ScreenshotAsync("dashboard-connections");
/// </code>
/// </example>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Overrides where the browser binary is (else the first of <see cref="Candidates"/> that exists).</summary>
    public const string ExecutableVariable = "TRIBUTARY_CHROMIUM";

    /// <summary>Overrides the folder screenshots go to (else <c>artifacts/screenshots</c> at the repository root).</summary>
    public const string ScreenshotsVariable = "TRIBUTARY_SCREENSHOTS";

    public static readonly IReadOnlyList<string> Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(60);

    private readonly IBrowser _browser;

    private HeadlessChromium(IBrowser browser, string executable)
    {
        _browser = browser;
        Executable = executable;
    }

    public string Executable { get; }

    public IBrowser Browser => _browser;

    /// <summary>The browser binary, or null when none is installed.</summary>
    public static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        return Candidates.FirstOrDefault(File.Exists);
    }

    /// <exception cref="InvalidOperationException">No browser is installed; the message says how to install one.</exception>
    public static async Task<HeadlessChromium> LaunchAsync(CancellationToken cancellationToken)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            $"No Chromium found (looked at {ExecutableVariable} and {string.Join(", ", Candidates)}): "
            + "install it with `apt-get install -y chromium` (scripts/test.sh does).");
        var options = new LaunchOptions
        {
            Headless = true,
            ExecutablePath = executable,
            Timeout = (int)LaunchTimeout.TotalMilliseconds,
            DefaultViewport = new ViewPortOptions { Width = 1400, Height = 900 },
            Args =
            [
                // Tests run as root in CI, where Chromium's sandbox refuses to start.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        };
        var browser = await Puppeteer.LaunchAsync(options).WaitAsync(LaunchTimeout, cancellationToken);
        return new HeadlessChromium(browser, executable);
    }

    /// <summary>A page in a fresh, isolated browser context that records the page's console errors and exceptions.</summary>
    public async Task<BrowserPage> NewPageAsync(CancellationToken cancellationToken)
    {
        var context = await _browser.CreateBrowserContextAsync().WaitAsync(cancellationToken);
        var page = await context.NewPageAsync().WaitAsync(cancellationToken);
        page.DefaultTimeout = 20_000;
        page.DefaultNavigationTimeout = 20_000;
        return new BrowserPage(context, page);
    }

    /// <summary>Where screenshots go: <see cref="ScreenshotsVariable"/>, else <c>artifacts/screenshots</c> of the repository.</summary>
    public static string ScreenshotFolder()
    {
        var configured = Environment.GetEnvironmentVariable(ScreenshotsVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.CreateDirectory(configured).FullName;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tributary.slnx")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(root, "artifacts", "screenshots")).FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
    }
}
