using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class SyncIdentifierTests
{
    [Theory]
    [InlineData("contacts", "contacts", "base")]
    [InlineData("contacts::v1", "contacts", "v1")]
    [InlineData("contacts::", "contacts", "")]
    [InlineData("contacts::v1::ignored", "contacts", "v1")]
    [InlineData("::v1", "", "v1")]
    [InlineData("a:b", "a:b", "base")]
    public void Parse_NameVariantShorthand_SplitsAtFirstSeparator(string value, string name, string variant)
    {
        Assert.Equal(new SyncIdentifier(name, variant), SyncIdentifier.Parse(value));
    }
}
