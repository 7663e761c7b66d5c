using Tributary.Core.Declarative;

namespace Tributary.Core.Tests.Declarative;

public sealed class RestTemplateTests
{
    [Theory]
    [InlineData("/plain")]
    [InlineData("/repos/${metadata.owner}/${ connectionConfig.repo }")]
    [InlineData("${checkpoint.since}")]
    [InlineData("${metadata.deep.key}")]
    public void Check_KnownNamespaces_Pass(string template)
    {
        Assert.Null(RestTemplate.Check(template));
    }

    [Theory]
    [InlineData("${credentials.access_token}", "names an unknown namespace 'credentials'")]
    [InlineData("${accessToken}", "names an unknown namespace 'accessToken'")]
    [InlineData("${metadata}", "names no key")]
    [InlineData("${metadata.}", "names no key")]
    [InlineData("/a/${metadata.x", "without its closing")]
    public void Check_AnythingElse_IsExplained(string template, string problem)
    {
        Assert.Contains(problem, RestTemplate.Check(template), StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_MissingValue_GivesNull()
    {
        Assert.Equal("/a/x", RestTemplate.Fill("/a/${metadata.v}", name => name == "metadata.v" ? "x" : null));
        Assert.Null(RestTemplate.Fill("/a/${metadata.w}", name => name == "metadata.v" ? "x" : null));
    }
}
