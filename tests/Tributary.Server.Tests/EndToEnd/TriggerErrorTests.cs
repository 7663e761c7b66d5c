using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

/// <summary>Bad input gets Nango's error shape and changes nothing.</summary>
public sealed class TriggerErrorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TributaryApiException> FailsAsync(Func<Task> call) => await Assert.ThrowsAsync<TributaryApiException>(call);

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_BadInput_AnswersNangoErrorsAndQueuesNothing(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.RunWorkers = false);
        await server.CreateConnectionAsync("acme", null, Token);

        var unknownIntegration = await FailsAsync(() => server.Client.TriggerAsync(new JsonObject { ["provider_config_key"] = "nope", ["syncs"] = new JsonArray() }, Token));
        var unknownConnection = await FailsAsync(() => server.Client.TriggerAsync(SyncFlowTests.Body("ghost", "contacts"), Token));
        var partlyUnknown = await FailsAsync(() => server.Client.TriggerAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "acme",
            ["syncs"] = new JsonArray("contacts", "missing"),
        }, Token));
        var emptyCacheAlone = await FailsAsync(() => server.Client.TriggerAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "acme",
            ["syncs"] = new JsonArray("contacts"),
            ["opts"] = new JsonObject { ["emptyCache"] = true },
        }, Token));
        var badItems = await FailsAsync(() => server.Client.TriggerAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["syncs"] = new JsonArray(1, "ok", new JsonObject { ["name"] = "x" }),
        }, Token));
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);

        Assert.Equal((400, "unknown_provider_config"), (unknownIntegration.Status, unknownIntegration.Code));
        Assert.Equal((404, "unknown_connection"), (unknownConnection.Status, unknownConnection.Code));
        Assert.Equal("ghost", (string?)JsonNode.Parse(unknownConnection.Body)!["error"]!["payload"]!["connectionId"]);
        Assert.Equal((400, "no_syncs_found"), (partlyUnknown.Status, partlyUnknown.Code));
        Assert.Equal((400, "invalid_body"), (emptyCacheAlone.Status, emptyCacheAlone.Code));
        Assert.Contains("reset", JsonNode.Parse(emptyCacheAlone.Body)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var issues = JsonNode.Parse(badItems.Body)!["error"]!["errors"]!.AsArray();
        Assert.Equal(["0", "2"], issues.Select(i => (string?)i!["path"]![1]));
        Assert.Empty(runs!["runs"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Requests_WithoutValidKeyOrScope_AreRefusedWithNangoBodies(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.RunWorkers = false);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        async Task<(int Status, string Code)> PostAsync(string? authorization, string body = "{}", string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "sync/trigger") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await http.SendAsync(request, Token);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
            return ((int)response.StatusCode, (string)json["error"]!["code"]!);
        }

        Assert.Equal((401, "missing_auth_header"), await PostAsync(null));
        Assert.Equal((401, "malformed_auth_header"), await PostAsync("Bearer "));
        Assert.Equal((401, "invalid_secret_key_format"), await PostAsync("Bearer not-a-uuid"));
        Assert.Equal((401, "unknown_account"), await PostAsync($"Bearer {Guid.NewGuid()}"));
        Assert.Equal((415, "invalid_content_type"), await PostAsync($"Bearer {server.SecretKey}", "{}", "text/plain"));
        Assert.Equal((400, "invalid_json"), await PostAsync($"Bearer {server.SecretKey}", "{\"syncs\":"));
        Assert.Equal((400, "missing_provider_config_key"), await PostAsync($"Bearer {server.SecretKey}", "{\"syncs\":[]}"));
        Assert.Equal((400, "invalid_body"), await PostAsync($"Bearer {server.SecretKey}", "{\"syncs\":[],\"provider_config_key\":\"demo\",\"opts\":{},\"full_resync\":false}"));

        var control = (Tributary.Core.Ports.IApiKeyStore)server.Services.GetService(typeof(Tributary.Core.Ports.IApiKeyStore))!;
        var environment = await control.EnsureEnvironmentAsync("dev", Token);
        var readOnly = Guid.NewGuid().ToString();
        await control.CreateApiKeyAsync(environment.Id, Tributary.Core.Security.ApiKeys.Hash(readOnly), "read-only", ["environment:syncs:read"], Token);
        Assert.Equal((403, "forbidden"), await PostAsync($"Bearer {readOnly}", "{\"syncs\":[],\"provider_config_key\":\"demo\"}"));
    }
}
