using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>
/// <c>GET</c>/<c>PATCH /environment/webhook-settings</c> and Nango's signing-key rotation: Nango's defaults, a strict
/// body answered in Nango's error shape, and a key distinct from the secret key.
/// </summary>
public sealed class WebhookSettingsEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Settings_StartAsNangosDefaults_ChangeOnlyTheFieldsGiven_AndRotationReplacesTheKey()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);

        var initial = (await server.Client.SendAsync(HttpMethod.Get, "environment/webhook-settings", null, null, Token))!;
        var patched = (await server.Client.SendAsync(
            HttpMethod.Patch, "environment/webhook-settings", new JsonObject { ["secondary_url"] = "https://example.com/h", ["on_sync_error"] = false, ["on_async_action_completion"] = true }, null, Token))!;
        var rotated = (await server.Client.SendAsync(HttpMethod.Post, "environment/webhook-signing-key/rotate", null, null, Token))!;
        var after = (await server.Client.SendAsync(HttpMethod.Get, "environment/webhook-settings", null, null, Token))!;

        var key = (string)initial["webhook_signing_key"]!;
        Assert.Equal(
            """{"primary_url":null,"secondary_url":null,"on_sync_completion_always":true,"on_auth_creation":true,"on_auth_refresh_error":true,"on_sync_error":true,"on_sync_run_summary":false,"webhook_signing_key":"KEY"}""",
            initial.ToJsonString().Replace(key, "KEY", StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", key);
        Assert.NotEqual(server.SecretKey, key);
        Assert.Equal(("https://example.com/h", false, true, key), ((string?)patched["secondary_url"], (bool)patched["on_sync_error"]!, (bool)patched["on_sync_completion_always"]!, (string?)patched["webhook_signing_key"]));
        var newKey = (string)rotated["data"]!["webhook_signing_key"]!;
        Assert.NotEqual(key, newKey);
        Assert.Equal(newKey, (string?)after["webhook_signing_key"]);
        Assert.Equal("https://example.com/h", (string?)after["secondary_url"]);
    }

    [Theory]
    [InlineData("{}", "invalid_body", "Nothing to update")]
    [InlineData("""{"primary_url":"https://a.example","colour":"red"}""", "invalid_body", "unrecognized_keys")]
    [InlineData("""{"primary_url":"ftp://a.example"}""", "invalid_body", "Invalid URL")]
    [InlineData("""{"on_sync_error":"yes"}""", "invalid_body", "expected boolean")]
    [InlineData("""{"on_async_action_completion":true}""", "invalid_body", "Nothing to update")]
    [InlineData("""{"on_async_action_completion":"yes"}""", "invalid_body", "expected boolean")]
    public async Task BadBodies_Are400InNangosShape_AndChangeNothing(string body, string code, string detail)
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        var before = (await server.Client.SendAsync(HttpMethod.Get, "environment/webhook-settings", null, null, Token))!.ToJsonString();

        var error = await Assert.ThrowsAsync<TributaryApiException>(
            () => server.Client.SendAsync(HttpMethod.Patch, "environment/webhook-settings", JsonNode.Parse(body), null, Token));

        Assert.Equal((400, code), (error.Status, error.Code));
        Assert.Contains(detail, error.Body, StringComparison.Ordinal);
        Assert.Equal(before, (await server.Client.SendAsync(HttpMethod.Get, "environment/webhook-settings", null, null, Token))!.ToJsonString());
    }

    [Fact]
    public async Task Deliveries_BadQueryIs400_UnknownRetryIs404()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);

        var badState = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "webhooks/deliveries?state=lost", null, null, Token));
        var unknownKey = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "webhooks/deliveries?sort=asc", null, null, Token));
        var missing = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Post, "webhooks/deliveries/999/retry", null, null, Token));
        var notAnId = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Post, "webhooks/deliveries/abc/retry", null, null, Token));

        Assert.Equal((400, "invalid_query_params"), (badState.Status, badState.Code));
        Assert.Equal((400, "invalid_query_params"), (unknownKey.Status, unknownKey.Code));
        Assert.Equal((404, "not_found"), (missing.Status, missing.Code));
        Assert.Equal((404, "not_found"), (notAnId.Status, notAnId.Code));
    }
}
