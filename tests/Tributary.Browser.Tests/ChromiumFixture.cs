using Tributary.Testing.Browser;

namespace Tributary.Browser.Tests;

/// <summary>One headless Chromium per test class; every test opens its own isolated page.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("The browser has not started.");

    public async ValueTask InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }
}
