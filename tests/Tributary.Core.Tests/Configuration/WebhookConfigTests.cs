using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

/// <summary>tributary.yaml's environment-level <c>webhooks:</c> block: Nango's field names, what it pins, its errors at file:line.</summary>
public sealed class WebhookConfigTests
{
    private const string Source = "tributary.yaml";

    [Fact]
    public void Block_GivesTheSettings_AndPinsExactlyTheFieldsItNames()
    {
        var config = ConfigLoader.Parse(
            """
            webhooks:
              primary_url: https://hooks.example.com/nango
              on_auth_creation: false
              on_sync_run_summary: true
            integrations: {}
            """,
            Source);

        var webhooks = Assert.IsType<WebhookConfig>(config.Webhooks);
        Assert.Equal("https://hooks.example.com/nango", webhooks.Settings.PrimaryUrl);
        Assert.Null(webhooks.Settings.SecondaryUrl);
        Assert.False(webhooks.Settings.OnAuthCreation);
        Assert.True(webhooks.Settings.OnSyncRunSummary);
        Assert.Null(webhooks.Settings.OnSyncError);
        Assert.Equal(["primary_url", "on_auth_creation", "on_sync_run_summary"], webhooks.Pinned);
    }

    [Fact]
    public void NoBlock_PinsNothing()
    {
        Assert.Null(ConfigLoader.Parse("integrations: {}\n", Source).Webhooks);
    }

    [Fact]
    public void BadValues_AreReportedAtTheirLines_AllInOnePass()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            """
            webhooks:
              primary_url: ftp://hooks.example.com
              secondary_url: not a url
              on_sync_error: yes
              on_auth_creaton: true
            """,
            Source));

        Assert.Equal(
            [
                new ConfigError(Source, 2, "webhooks.primary_url", "'ftp://hooks.example.com' is not an absolute http(s) URL"),
                new ConfigError(Source, 3, "webhooks.secondary_url", "'not a url' is not an absolute http(s) URL"),
                new ConfigError(Source, 4, "webhooks.on_sync_error", "'yes' is not a boolean (use true or false)"),
                new ConfigError(Source, 5, "webhooks.on_auth_creaton", "unknown key 'on_auth_creaton' (did you mean 'on_auth_creation'?)"),
            ],
            exception.Errors);
    }

    [Fact]
    public void BlockThatIsNotAMapping_IsReported()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("webhooks: https://hooks.example.com\n", Source));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((1, "webhooks"), (error.Line, error.Path));
        Assert.StartsWith("expected a mapping of webhook settings", error.Message, StringComparison.Ordinal);
    }
}
