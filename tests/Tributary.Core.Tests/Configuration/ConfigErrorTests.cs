using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public class ConfigErrorTests
{
    [Theory]
    [InlineData(7, "integrations.demo.provider", "is required", "tributary.yaml:7: integrations.demo.provider: is required")]
    [InlineData(3, "", "invalid YAML: bad", "tributary.yaml:3: invalid YAML: bad")]
    [InlineData(0, "", "file not found", "tributary.yaml: file not found")]
    [InlineData(0, "integrations", "expected a mapping", "tributary.yaml: integrations: expected a mapping")]
    public void ToString_LeavesOutWhatIsUnknown(int line, string path, string message, string expected)
    {
        Assert.Equal(expected, new ConfigError("tributary.yaml", line, path, message).ToString());
    }
}
