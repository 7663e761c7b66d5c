namespace Tributary.Browser.Tests;

/// <summary>Installs <c>@nangohq/frontend</c> (once) and serves the product page for one test class.</summary>
public sealed class ProductPageFixture : IAsyncLifetime
{
    private ProductPage? _page;

    internal ProductPage Page => _page ?? throw new InvalidOperationException("The product page has not started.");

    public async ValueTask InitializeAsync()
    {
        var dist = await FrontendSdk.EnsureInstalledAsync(TestContext.Current.CancellationToken);
        _page = await ProductPage.StartAsync(dist, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }
    }
}
