using Tributary.Core.Providers;

namespace Tributary.Core.Tests.Providers;

public class InterpolationTests
{
    private static string? Lookup(string name) => name switch
    {
        "connectionConfig.subdomain" => "acme",
        "apiKey" => "k",
        _ => null,
    };

    [Theory]
    [InlineData("https://${connectionConfig.subdomain}.zendesk.com", "https://acme.zendesk.com")]
    [InlineData("Bearer ${apiKey}", "Bearer k")]
    [InlineData("Bearer ${ apiKey }", "Bearer k")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("https://${connectionConfig.missing}.example.com", null)]
    [InlineData("broken ${apiKey", null)]
    public void Fill_FillsKnownPlaceholders_AndGivesNullForUnknownOnes(string template, string? expected) =>
        Assert.Equal(expected, Interpolation.Fill(template, Lookup));

    [Theory]
    [InlineData("https://${connectionConfig.region}.api.example.com || https://api.example.com", "https://api.example.com")]
    [InlineData("https://${connectionConfig.subdomain}.example.com || https://api.example.com", "https://acme.example.com")]
    public void FillBaseUrl_TakesTheFirstAlternativeThatFills(string template, string expected) =>
        Assert.Equal(expected, Interpolation.FillBaseUrl(template, Lookup));
}
