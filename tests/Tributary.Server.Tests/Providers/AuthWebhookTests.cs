using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.Core.Credentials;
using Tributary.Core.Webhooks;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// Nango's auth webhooks through the outbox, over HTTP against the fake OAuth server, on both databases: creation after
/// the OAuth flow and after an API key, override on a reconnect, refresh failure once per streak; and the
/// client-credentials connection (created, used by the proxy, refreshed by asking again).
/// </summary>
public sealed partial class AuthWebhookTests
{
    private const string ApiKeyPlaceholder = "${apiKey}";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string HostPlaceholder = "${connectionConfig.host}";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task OAuthFlow_SendsNangosCreationWebhook_ByteForByte_Signed(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await StartAsync(dialect, fakes);
        var key = await UseReceiverAsync(server, receiver.Url, new JsonObject());
        var session = await SessionAsync(server);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true, CookieContainer = new CookieContainer() });
        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={session}"), Token);
        var html = await consent.Content.ReadAsStringAsync(Token);
        var answer = await browser.PostAsync(
            new Uri(consent.RequestMessage!.RequestUri!, WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value)),
            new FormUrlEncodedContent([new("request_id", WebUtility.HtmlDecode(RequestId().Match(html).Groups[1].Value)), new("decision", "allow")]),
            Token);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var connections = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var connectionId = (string)Assert.Single(connections!["connections"]!.AsArray())!["connection_id"]!;

        var webhook = await Eventually.ValueAsync(_ => Task.FromResult(receiver.Accepted.SingleOrDefault()), w => w is not null, Wait, "the creation webhook", Token);
        Assert.Equal(
            "{\"authMode\":\"OAUTH2\",\"connectionId\":\"" + connectionId + "\",\"endUser\":{\"endUserEmail\":\"end-user@example.com\",\"endUserId\":\"end-user-1\"},"
            + "\"environment\":\"dev\",\"from\":\"nango\",\"operation\":\"creation\",\"provider\":\"fake-github\",\"providerConfigKey\":\"gh\",\"success\":true,"
            + "\"tags\":{\"end_user_email\":\"end-user@example.com\",\"end_user_id\":\"end-user-1\"},\"type\":\"auth\"}",
            webhook!.Body);
        Assert.Equal(WebhookSignature.Hmac(key, webhook.Body), webhook.Headers[WebhookSignature.HmacHeader]);
        Assert.Equal(WebhookSignature.Legacy(key, webhook.Body), webhook.Headers[WebhookSignature.LegacyHeader]);
        var delivery = Assert.Single(await DeliveriesAsync(server, connectionId))!;
        Assert.Equal("auth.creation", (string?)delivery["event"]);
        Assert.Null(delivery["run_id"]);
        Assert.Equal("gh", (string?)delivery["provider_config_key"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ApiKey_CreationThenReconnect_SendCreationAndOverride_AndTheFlagSilencesOnlyCreation(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await StartAsync(dialect, fakes);
        await UseReceiverAsync(server, receiver.Url, new JsonObject());
        using var http = new HttpClient();

        var first = await PostJsonAsync(http, $"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={await SessionAsync(server)}", """{"apiKey":"key-one"}""");
        var connectionId = (string)first["connectionId"]!;
        await Eventually.TrueAsync(_ => Task.FromResult(receiver.AcceptedCount == 1), Wait, "the creation webhook", Token);
        var reconnect = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions/reconnect", new JsonObject { ["connection_id"] = connectionId, ["integration_id"] = "keyed" }, null, Token);
        await PostJsonAsync(http, $"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={(string)reconnect!["data"]!["token"]!}", """{"apiKey":"key-two"}""");
        await Eventually.TrueAsync(_ => Task.FromResult(receiver.AcceptedCount == 2), Wait, "the override webhook", Token);

        var bodies = receiver.Accepted.Select(w => JsonNode.Parse(w.Body)!).ToList();
        Assert.Equal(["creation", "override"], bodies.Select(b => (string?)b["operation"]));
        Assert.All(bodies, b => Assert.Equal(("API_KEY", "fake-keyed", connectionId, true), ((string?)b["authMode"], (string?)b["provider"], (string?)b["connectionId"], (bool)b["success"]!)));
        Assert.DoesNotContain("key-one", receiver.Accepted[0].Body, StringComparison.Ordinal);
        // The reconnect session named no end user: as Nango's, it carries the connection's, and so does the webhook.
        Assert.Equal("""{"endUserEmail":"end-user@example.com","endUserId":"end-user-1"}""", bodies[0]["endUser"]!.ToJsonString());
        Assert.Equal(bodies[0]["endUser"]!.ToJsonString(), bodies[1]["endUser"]?.ToJsonString());
        var deliveries = await DeliveriesAsync(server, connectionId);
        Assert.Equal(["auth.override", "auth.creation"], deliveries.Select(d => (string?)d!["event"]));

        // on_auth_creation off: a new connection sends nothing; Nango has no flag for override, so it still goes.
        await UseReceiverAsync(server, receiver.Url, new JsonObject { ["on_auth_creation"] = false });
        var silent = await PostJsonAsync(http, $"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={await SessionAsync(server)}", """{"apiKey":"key-three"}""");
        Assert.Empty(await DeliveriesAsync(server, (string)silent["connectionId"]!));
        Assert.Equal(2, receiver.AcceptedCount);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Reconnect_WithAWebhookUrlOverride_GivesItToTheConnection_AndOneWithoutKeepsIt(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var environmentReceiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var connectionReceiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await StartAsync(dialect, fakes);
        await UseReceiverAsync(server, environmentReceiver.Url, new JsonObject());
        using var http = new HttpClient();
        var first = await PostJsonAsync(http, $"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={await SessionAsync(server)}", """{"apiKey":"key-one"}""");
        var connectionId = (string)first["connectionId"]!;
        await Eventually.TrueAsync(_ => Task.FromResult(environmentReceiver.AcceptedCount == 1), Wait, "the creation webhook", Token);

        // Reconnected through a session that names an override: the connection takes it, and its webhooks go there.
        await ReconnectAsync(new JsonObject { ["connection_id"] = connectionId, ["integration_id"] = "keyed", ["webhook_url_override"] = connectionReceiver.Url }, "key-two");
        await Eventually.TrueAsync(_ => Task.FromResult(connectionReceiver.AcceptedCount == 1), Wait, "the override webhook at the new URL", Token);
        var read = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal(connectionReceiver.Url, (string?)read!["webhook_url_override"]);

        // Reconnected again through a session without one: the connection keeps its override.
        await ReconnectAsync(new JsonObject { ["connection_id"] = connectionId, ["integration_id"] = "keyed" }, "key-three");
        await Eventually.TrueAsync(_ => Task.FromResult(connectionReceiver.AcceptedCount == 2), Wait, "the second override webhook", Token);
        read = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal(connectionReceiver.Url, (string?)read!["webhook_url_override"]);
        Assert.Equal(["override", "override"], connectionReceiver.Accepted.Select(w => (string?)JsonNode.Parse(w.Body)!["operation"]));
        Assert.Equal(["creation"], environmentReceiver.Accepted.Select(w => (string?)JsonNode.Parse(w.Body)!["operation"]));

        async Task ReconnectAsync(JsonObject body, string apiKey)
        {
            var session = await server.Client.SendAsync(HttpMethod.Post, "connect/sessions/reconnect", body, null, Token);
            await PostJsonAsync(http, $"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={(string)session!["data"]!["token"]!}", $$"""{"apiKey":"{{apiKey}}"}""");
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FailingRefresh_SendsOneWebhookPerStreak_AndNoneWhenTheSettingIsOff(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await StartAsync(dialect, fakes);
        var key = await UseReceiverAsync(server, receiver.Url, new JsonObject());
        var tokens = fakes.OAuth.IssueTokens();
        await FakeOAuthApp.ImportAsync(server, "gh", "refreshing", tokens, TimeProvider.System.GetUtcNow().AddMinutes(-1), Token);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;

        // Two forced refreshes fail (force bypasses the cooldown): one streak, one webhook.
        await ForceRefreshFailsAsync(server, "refreshing");
        await ForceRefreshFailsAsync(server, "refreshing");
        var webhook = await Eventually.ValueAsync(_ => Task.FromResult(receiver.Accepted.SingleOrDefault()), w => w is not null, Wait, "the refresh webhook", Token);
        var body = JsonNode.Parse(webhook!.Body)!;
        Assert.Equal(("refresh", false, "OAUTH2"), ((string?)body["operation"], (bool)body["success"]!, (string?)body["authMode"]));
        Assert.Equal("refresh_token_external_error", (string?)body["error"]!["type"]);
        Assert.Contains("invalid_grant", (string)body["error"]!["description"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, webhook.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOAuthServer.DefaultClient.ClientSecret!, webhook.Body, StringComparison.Ordinal);
        Assert.Equal(WebhookSignature.Hmac(key, webhook.Body), webhook.Headers[WebhookSignature.HmacHeader]);

        // A success ends the streak; the next failure starts a new one and is reported again.
        fakes.OAuth.RefreshFailure = RefreshFailure.None;
        await server.Client.SendAsync(HttpMethod.Get, "connections/refreshing?provider_config_key=gh&force_refresh=true", null, null, Token);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        await ForceRefreshFailsAsync(server, "refreshing");
        await Eventually.TrueAsync(_ => Task.FromResult(receiver.AcceptedCount == 2), Wait, "the second streak's webhook", Token);

        // With on_auth_refresh_error off, a new streak is recorded on the connection but sends nothing.
        await UseReceiverAsync(server, receiver.Url, new JsonObject { ["on_auth_refresh_error"] = false });
        fakes.OAuth.RefreshFailure = RefreshFailure.None;
        await server.Client.SendAsync(HttpMethod.Get, "connections/refreshing?provider_config_key=gh&force_refresh=true", null, null, Token);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        await ForceRefreshFailsAsync(server, "refreshing");
        var deliveries = await DeliveriesAsync(server, "refreshing");
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("auth.refresh", (string?)d!["event"]));
        Assert.Equal(2, receiver.AcceptedCount);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ClientCredentials_CreateAConnection_UsedByTheProxy_AndRefreshedByAskingAgain(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 3 }, Token);
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await StartAsync(dialect, fakes);
        await UseReceiverAsync(server, receiver.Url, new JsonObject());
        using var http = new HttpClient();

        var created = await PostJsonAsync(http, $"{server.BaseUrl}oauth2/auth/cc?connect_session_token={await SessionAsync(server)}", "");
        var connectionId = (string)created["connectionId"]!;
        Assert.Equal("cc", (string?)created["providerConfigKey"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("client_credentials"));
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=cc", null, null, Token);
        var credentials = connection!["credentials"]!;
        Assert.Equal(("OAUTH2_CC", FakeOAuthServer.DefaultClient.ClientId), ((string?)credentials["type"], (string?)credentials["client_id"]));
        Assert.Null(credentials["client_secret"]); // the integration's secret stays the integration's
        var token = (string)credentials["token"]!;
        Assert.True(fakes.OAuth.IsAccessTokenValid(token));

        using (var proxied = await ProxyAsync(server, connectionId))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }

        Assert.Equal($"Bearer {token}", fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues)[^1].Header("authorization"));

        // The token dies at the provider: the proxy's 401 makes Tributary ask for a new one (no refresh token exists).
        fakes.OAuth.ExpireAllAccessTokens();
        using (var retried = await ProxyAsync(server, connectionId))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        Assert.Equal(2, fakes.OAuth.TokenRequestCount("client_credentials"));
        Assert.Equal(0, fakes.OAuth.TokenRequestCount("refresh_token"));
        var fresh = (string)(await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=cc", null, null, Token))!["credentials"]!["token"]!;
        Assert.NotEqual(token, fresh);
        Assert.Equal($"Bearer {fresh}", fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues)[^1].Header("authorization"));

        await Eventually.TrueAsync(_ => Task.FromResult(receiver.AcceptedCount == 1), Wait, "the creation webhook", Token);
        Assert.Equal("OAUTH2_CC", (string?)JsonNode.Parse(receiver.Accepted[0].Body)!["authMode"]);
    }

    /// <summary>
    /// Nango's getOauthClientCredentials: the flow's <c>params[oauth_scopes]</c> are the scope asked for with the end
    /// user's own client, and the session's <c>authorization_params</c>, kept in the connection config, go into this and
    /// every later token request. With the integration's own app the browser does not choose the scopes.
    /// </summary>
    [Fact]
    public async Task ClientCredentials_AskForTheParamsScopesWithTheUsersOwnClient_AndSendTheSessionsAuthorizationParams_EachTime()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes);
        using var http = new HttpClient();
        var session = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject
            {
                ["end_user"] = new JsonObject { ["id"] = "end-user-1" },
                ["integrations_config_defaults"] = new JsonObject { ["cc"] = new JsonObject { ["authorization_params"] = new JsonObject { ["audience"] = "api://acme" } } },
            },
            null,
            Token);
        var token = (string)session!["data"]!["token"]!;
        var ownClient = $$"""{"client_id":"{{FakeOAuthServer.DefaultClient.ClientId}}","client_secret":"{{FakeOAuthServer.DefaultClient.ClientSecret}}"}""";

        var created = await PostJsonAsync(http, $"{server.BaseUrl}oauth2/auth/cc?connect_session_token={token}&params%5Boauth_scopes%5D=read,write", ownClient);
        var connectionId = (string)created["connectionId"]!;
        await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=cc&force_refresh=true", null, null, Token);
        var ownRequests = fakes.OAuth.Requests.For(FakeEndpoints.OAuthToken).ToList();
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=cc", null, null, Token);

        var withApp = await PostJsonAsync(http, $"{server.BaseUrl}oauth2/auth/cc?connect_session_token={token}&params%5Boauth_scopes%5D=admin", "");
        var appRequest = fakes.OAuth.Requests.For(FakeEndpoints.OAuthToken)[^1];
        var appConnection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{(string)withApp["connectionId"]!}?provider_config_key=cc", null, null, Token);

        Assert.Equal(2, ownRequests.Count);
        foreach (var request in ownRequests)
        {
            var form = System.Web.HttpUtility.ParseQueryString(request.Body!);
            Assert.Equal(("client_credentials", "read write", "api://acme"), (form["grant_type"], form["scope"], form["audience"]));
        }

        Assert.Equal("""{"oauth_scopes":"read,write","authorization_params":{"audience":"api://acme"}}""", connection!["connection_config"]!.ToJsonString());
        Assert.NotEqual("admin", System.Web.HttpUtility.ParseQueryString(appRequest.Body!)["scope"]);
        Assert.Null(appConnection!["connection_config"]!["oauth_scopes"]);
    }

    /// <summary>
    /// A connection config value that fills the token URL's host must be a host name: the integration's client secret
    /// goes there, and the browser chooses the value (Nango sends it wherever the value points).
    /// </summary>
    [Fact]
    public async Task ClientCredentials_AConfigValueThatWouldMoveTheTokenUrlsHost_IsRefused_AndNoSecretLeaves()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes);
        using var http = new HttpClient();
        var session = await SessionAsync(server);

        using var refused = await http.PostAsync(
            new Uri($"{server.BaseUrl}oauth2/auth/hosted?connect_session_token={session}&params%5Bhost%5D=evil.example%2Fx%3F"), Json(""), Token);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Token))!["error"]!;
        var sentBefore = fakes.OAuth.TokenRequestCount("client_credentials");
        var created = await PostJsonAsync(http, $"{server.BaseUrl}oauth2/auth/hosted?connect_session_token={session}&params%5Bhost%5D=127.0.0.1", "");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_connection_config"), (refused.StatusCode, (string?)error["code"]));
        Assert.Equal(0, sentBefore);
        Assert.Equal("hosted", (string?)created["providerConfigKey"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("client_credentials"));
    }

    [Fact]
    public async Task ClientCredentials_BadBodyOrWrongMode_Is400_AndCreatesNothing()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes);
        using var http = new HttpClient();
        var session = await SessionAsync(server);

        // Nango's oauth2RequestCC: its own codes and texts for a half-posted client, an unknown integration, the wrong mode.
        foreach (var (path, body, code, message) in new[]
        {
            ("oauth2/auth/cc", """{"client_id":"only-the-id"}""", "missing_client_secret", "Missing param 'oauth_client_secret'."),
            ("oauth2/auth/cc", """{"client_secret":"only-the-secret"}""", "missing_client_id", "Missing param 'oauth_client_id'."),
            ("oauth2/auth/cc", """{"client_id":"","client_secret":"s"}""", "missing_client_id", "Missing param 'oauth_client_id'."),
            ("oauth2/auth/cc", """{"client_id":null,"client_secret":"s"}""", "missing_client_id", "Missing param 'oauth_client_id'."),
            ("oauth2/auth/cc", """{"client_id":"a","client_secret":"b","extra":1}""", "invalid_body", null),
            ("oauth2/auth/cc", """[1]""", "invalid_body", null),
            ("oauth2/auth/keyed", "", "invalid_auth_mode", "Invalid auth mode. The provider does not support this auth mode."),
            ("oauth2/auth/nowhere", "", "unknown_provider_config", "There is no Provider Configuration matching this key. Please make sure this value exists in the Nango dashboard {}"),
        })
        {
            using var response = await http.PostAsync(new Uri($"{server.BaseUrl}{path}?connect_session_token={session}"), Json(body), Token);
            var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!["error"]!;
            Assert.Equal((HttpStatusCode.BadRequest, code), (response.StatusCode, (string?)error["code"]));
            if (message is not null)
            {
                Assert.Equal(message, (string?)error["message"]);
            }
        }

        // A client the provider refuses: the provider's answer, without the secret that was posted.
        using (var refused = await http.PostAsync(
            new Uri($"{server.BaseUrl}oauth2/auth/cc?connect_session_token={session}"), Json("""{"client_id":"stranger","client_secret":"posted-secret-value"}"""), Token))
        {
            var text = await refused.Content.ReadAsStringAsync(Token);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("invalid_credentials", text, StringComparison.Ordinal);
            Assert.DoesNotContain("posted-secret-value", text, StringComparison.Ordinal);
        }

        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Empty(list!["connections"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task BackgroundPass_RefreshesAnIdleConnectionBeforeItsTokenExpires_AndLeavesALongLivedOneAlone(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        var soon = fakes.OAuth.IssueTokens();
        var later = fakes.OAuth.IssueTokens();
        await FakeOAuthApp.ImportAsync(server, "gh", "idle-soon", soon, TimeProvider.System.GetUtcNow().AddMinutes(5), Token);
        await FakeOAuthApp.ImportAsync(server, "gh", "idle-later", later, TimeProvider.System.GetUtcNow().AddHours(2), Token);

        // The hosted pass may have run already at start; either way, exactly one token request for the one that expires soon.
        await server.Services.GetRequiredService<ConnectionRefreshPass>().RunOnceAsync(Token);

        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var refreshed = await server.Client.SendAsync(HttpMethod.Get, "connections/idle-soon?provider_config_key=gh", null, null, Token);
        Assert.NotEqual(soon.AccessToken, (string?)refreshed!["credentials"]!["access_token"]);
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)refreshed["credentials"]!["access_token"]!));
        var untouched = await server.Client.SendAsync(HttpMethod.Get, "connections/idle-later?provider_config_key=gh", null, null, Token);
        Assert.Equal(later.AccessToken, (string?)untouched!["credentials"]!["access_token"]);
    }

    private static async Task ForceRefreshFailsAsync(TestServer server, string connectionId)
    {
        var failed = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh&force_refresh=true", null, null, Token));
        Assert.Equal(400, failed.Status);
    }

    private static async Task<HttpResponseMessage> ProxyAsync(TestServer server, string connectionId)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", server.SecretKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "proxy/repos/octo-org/octo-repo/issues");
        request.Headers.Add("Provider-Config-Key", "cc");
        request.Headers.Add("Connection-Id", connectionId);
        return await http.SendAsync(request, Token);
    }

    private static async Task<JsonArray> DeliveriesAsync(TestServer server, string connectionId) =>
        (await server.Client.SendAsync(HttpMethod.Get, $"webhooks/deliveries?connection_id={connectionId}", null, null, Token))!["deliveries"]!.AsArray();

    private static async Task<string> UseReceiverAsync(TestServer server, string url, JsonObject flags)
    {
        flags["primary_url"] = url;
        var settings = await server.Client.SendAsync(HttpMethod.Patch, "environment/webhook-settings", flags, null, Token);
        return (string)settings!["webhook_signing_key"]!;
    }

    private static async Task<string> SessionAsync(TestServer server)
    {
        var created = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject { ["end_user"] = new JsonObject { ["id"] = "end-user-1", ["email"] = "end-user@example.com" } },
            null,
            Token);
        return (string)created!["data"]!["token"]!;
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient http, string url, string body)
    {
        using var response = await http.PostAsync(new Uri(url), Json(body), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<TestServer> StartAsync(TestDialect dialect, FakeProviders.FakeProviders fakes)
    {
        FakeOAuthApp.ExposeSecret();
        var config = $"""
            providers:
              fake-github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
              fake-cc:
                auth_mode: OAUTH2_CC
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
              fake-cc-hosted:
                auth_mode: OAUTH2_CC
                token_url: {fakes.OAuth.TokenUrl.Scheme}://{HostPlaceholder}:{fakes.OAuth.TokenUrl.Port}{fakes.OAuth.TokenUrl.AbsolutePath}
              fake-keyed:
                auth_mode: API_KEY
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
                  headers:
                    authorization: 'Bearer {ApiKeyPlaceholder}'
            integrations:
              gh:
                provider: fake-github
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              cc:
                provider: fake-cc
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              hosted:
                provider: fake-cc-hosted
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              keyed:
                provider: fake-keyed
            """;
        return TestServer.StartAsync(
            dialect,
            Token,
            config,
            options: o => o.Webhooks = WebhookOptions.Default with
            {
                FirstRetry = TimeSpan.FromMilliseconds(200),
                MaxRetryDelay = TimeSpan.FromSeconds(1),
                PollInterval = TimeSpan.FromMilliseconds(100),
            });
    }

    [GeneratedRegex("<form id=\"consent\" method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"request_id\" value=\"([^\"]*)\"")]
    private static partial Regex RequestId();
}
