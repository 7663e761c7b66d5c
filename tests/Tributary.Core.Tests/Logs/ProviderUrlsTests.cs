using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Logs;

/// <summary>How a provider URL appears in a run's log: secret-looking query values and user info never do.</summary>
public sealed class ProviderUrlsTests
{
    [Theory]
    [InlineData("https://api.example.com/v1/items?page=2&limit=100", "https://api.example.com/v1/items?page=2&limit=100")]
    [InlineData("https://api.example.com/v1/items?access_token=abc&page=2", "https://api.example.com/v1/items?access_token=[redacted]&page=2")]
    [InlineData("https://api.example.com/x?hapikey=abc&client_secret=s&code=c&X-Amz-Signature=z", "https://api.example.com/x?hapikey=[redacted]&client_secret=[redacted]&code=[redacted]&X-Amz-Signature=[redacted]")]
    [InlineData("https://user:pass@api.example.com/x?q=1", "https://api.example.com/x?q=1")]
    [InlineData("https://api.example.com/x?API_KEY=abc", "https://api.example.com/x?API_KEY=[redacted]")]
    public void Redact_HidesSecretQueryValuesAndUserInfo(string url, string expected) =>
        Assert.Equal(expected, ProviderUrls.Redact(new Uri(url)));

    [Fact]
    public void Redact_ARelativeUrl_HidesItsSecretsToo() =>
        Assert.Equal("items?token=[redacted]&page=1", ProviderUrls.Redact(new Uri("items?token=t0k3n&page=1", UriKind.Relative)));
}
