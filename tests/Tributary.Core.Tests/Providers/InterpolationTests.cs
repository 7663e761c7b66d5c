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

    [Theory]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "acme", null)]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "eu-1.acme", null)]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "evil.example/x?", "connectionConfig.host")]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "evil.example#", "connectionConfig.host")]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "user@evil.example", "connectionConfig.host")]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "evil.example\\x", "connectionConfig.host")]
    [InlineData("https://${connectionConfig.host}.zendesk.com/oauth/tokens", "evil.example x", "connectionConfig.host")]
    [InlineData("http://${connectionConfig.host}/oauth/token", "127.0.0.1:8080", null)]
    [InlineData("https://api.example.com/${connectionConfig.host}/token", "any/thing?", null)]
    [InlineData("${connectionConfig.host}/oauth/token", "https://gitlab.acme.internal", null)]
    [InlineData("https://${connectionConfig.missing}.example.com/token", "", null)]
    public void UnsafeHostPlaceholder_NamesAValueThatWouldMoveTheHost(string template, string value, string? expected) =>
        Assert.Equal(expected, Interpolation.UnsafeHostPlaceholder(template, name => name == "connectionConfig.host" ? value : null));
}
