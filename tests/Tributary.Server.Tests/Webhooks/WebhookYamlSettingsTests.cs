using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Client;
using Tributary.Core.Configuration;
using Tributary.Core.Services;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>
/// tributary.yaml's <c>webhooks:</c> block, applied at start (a deploy): its values win, the fields it names are refused
/// by <c>PATCH /environment/webhook-settings</c> (409, nothing changed), the others stay the API's; a deploy without
/// the block hands every field back to the API.
/// </summary>
public sealed class WebhookYamlSettingsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task YamlSettings_AreAppliedAtStart_PinnedAgainstTheApi_AndReleasedByADeployWithoutThem(TestDialect dialect)
    {
        var config = TestServer.DefaultConfig + """

            webhooks:
              primary_url: https://hooks.example.com/from-yaml
              on_sync_completion_always: false
            """;
        await using var server = await TestServer.StartAsync(dialect, Token, config);

        var applied = await SettingsAsync(server);
        Assert.Equal(("https://hooks.example.com/from-yaml", false, true), ((string?)applied["primary_url"], (bool)applied["on_sync_completion_always"]!, (bool)applied["on_sync_error"]!));

        var refused = await Assert.ThrowsAsync<TributaryApiException>(() => PatchAsync(
            server, new JsonObject { ["primary_url"] = "https://elsewhere.example.com", ["on_sync_error"] = false }));
        Assert.Equal((409, "webhook_settings_pinned"), (refused.Status, refused.Code));
        Assert.Contains("primary_url", refused.Body, StringComparison.Ordinal);
        Assert.Equal(applied.ToJsonString(), (await SettingsAsync(server)).ToJsonString());

        var unpinned = await PatchAsync(server, new JsonObject { ["on_sync_error"] = false, ["secondary_url"] = "https://second.example.com" });
        Assert.Equal((false, "https://second.example.com"), ((bool)unpinned["on_sync_error"]!, (string?)unpinned["secondary_url"]));

        // A deploy without the block: the values stay, but the API owns them again.
        var tenant = await server.Services.GetRequiredService<ApiKeyService>().EnsureEnvironmentAsync("dev", Token);
        await server.Services.GetRequiredService<DeploymentService>().DeployAsync(tenant, ConfigLoader.Parse(TestServer.DefaultConfig, "tributary.yaml"), Token);
        var released = await PatchAsync(server, new JsonObject { ["primary_url"] = "https://elsewhere.example.com" });
        Assert.Equal(("https://elsewhere.example.com", false), ((string?)released["primary_url"], (bool)released["on_sync_completion_always"]!));
    }

    private static async Task<JsonNode> SettingsAsync(TestServer server) =>
        (await server.Client.SendAsync(HttpMethod.Get, "environment/webhook-settings", null, null, Token))!;

    private static async Task<JsonNode> PatchAsync(TestServer server, JsonObject body) =>
        (await server.Client.SendAsync(HttpMethod.Patch, "environment/webhook-settings", body, null, Token))!;
}
