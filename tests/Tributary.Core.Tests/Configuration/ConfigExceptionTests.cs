using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public class ConfigExceptionTests
{
    [Fact]
    public void Message_ListsOneErrorPerLine()
    {
        ConfigError[] errors =
        [
            new("a.yaml", 1, "integrations", "expected a mapping"),
            new("a.yaml", 4, "integrations.x.provider", "is required"),
        ];

        var exception = new ConfigException(errors);

        Assert.Equal("a.yaml:1: integrations: expected a mapping\na.yaml:4: integrations.x.provider: is required", exception.Message);
        Assert.Same(errors, exception.Errors);
    }

    [Fact]
    public void Constructor_NoErrors_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigException([]));
    }
}
