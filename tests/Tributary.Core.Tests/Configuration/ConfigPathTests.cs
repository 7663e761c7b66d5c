using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public class ConfigPathTests
{
    [Theory]
    [InlineData("", "integrations", "integrations")]
    [InlineData("integrations", "demo", "integrations.demo")]
    [InlineData("integrations", "my.crm", "integrations['my.crm']")]
    [InlineData("integrations", "my crm", "integrations['my crm']")]
    [InlineData("", "a.b", "['a.b']")]
    [InlineData("integrations['my.crm']", "provider", "integrations['my.crm'].provider")]
    public void Child_QuotesSegmentsThatAreNotPlainNames(string parent, string key, string expected)
    {
        Assert.Equal(expected, ConfigPath.Child(parent, key));
    }

    [Fact]
    public void Index_AppendsBracketedIndex()
    {
        Assert.Equal("a.models[2]", ConfigPath.Index("a.models", 2));
    }
}
