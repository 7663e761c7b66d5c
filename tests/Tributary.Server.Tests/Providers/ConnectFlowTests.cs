using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>The connect flow over HTTP: sessions, the OAuth redirect dance with the fake, API-key connections, reconnects.</summary>
public sealed partial class ConnectFlowTests
{
    private const string ApiKeyPlaceholder = "${apiKey}";
    private const string TenantPlaceholder = "${connectionConfig.tenant}";
    private const string AudiencePlaceholder = "${connectionConfig.audience}";
    private const string BasePlaceholder = "${connectionConfig.base}";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task OAuthDance_CreatesTheConnectionWithEncryptedTokens_AndItsStateIsSingleUse(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        var logs = new CapturedLogs();
        await using var server = await StartAsync(dialect, fakes, logs);
        var session = await CreateSessionAsync(server);
        using var browser = Browser();

        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={session}"), Token);
        var consentHtml = await consent.Content.ReadAsStringAsync(Token);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, consentHtml, "allow");
        var page = await answer.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("data-result=\"success\"", page, StringComparison.Ordinal);
        var callbackUri = answer.RequestMessage!.RequestUri!;
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var connectionId = (string)Assert.Single(list!["connections"]!.AsArray())!["connection_id"]!;
        Assert.True(Guid.TryParse(connectionId, out _));
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh&refresh_token=true", null, null, Token);
        var accessToken = (string)connection!["credentials"]!["access_token"]!;
        Assert.True(fakes.OAuth.IsAccessTokenValid(accessToken));
        Assert.NotNull((string?)connection["credentials"]!["refresh_token"]);
        Assert.NotNull(connection["credentials"]!["raw"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("authorization_code"));

        // The same callback again: the state was taken.
        var replay = await browser.GetAsync(callbackUri, Token);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("invalid_state", await replay.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("authorization_code"));
        Assert.DoesNotContain(accessToken, logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(session, logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReconnectedConnection_DeletedWhileTheUserIsAtTheProvider_IsNotCreatedAgain()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var browser = Browser();
        var first = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={await CreateSessionAsync(server)}"), Token);
        await SubmitAsync(browser, first.RequestMessage!.RequestUri!, await first.Content.ReadAsStringAsync(Token), "allow");
        var connectionId = await OnlyConnectionIdAsync(server);
        var reconnect = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions/reconnect", new JsonObject { ["connection_id"] = connectionId, ["integration_id"] = "gh" }, null, Token);

        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={(string)reconnect!["data"]!["token"]!}"), Token);
        await server.Client.SendAsync(HttpMethod.Delete, $"connections/{connectionId}?provider_config_key=gh", null, null, Token);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, await consent.Content.ReadAsStringAsync(Token), "allow");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("data-result=\"error\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Empty(list!["connections"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Deny_EndsOnTheFailurePage_AndCreatesNothing(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes, null);
        var session = await CreateSessionAsync(server);
        using var browser = Browser();

        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={session}"), Token);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, await consent.Content.ReadAsStringAsync(Token), "deny");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("data-result=\"error\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Empty(list!["connections"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Sessions_AnswerNangosFields_AreReadAndDeletedWithTheirToken_AndRefuseBadInput(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes, null);
        var created = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1", ["email"] = "u1@example.com" }, ["allowed_integrations"] = new JsonArray("gh") },
            null,
            Token);
        var data = created!["data"]!;
        var token = (string)data["token"]!;
        Assert.Matches("^nango_connect_session_[a-f0-9]{64}$", token);
        Assert.EndsWith($"?session_token={token}", (string)data["connect_link"]!, StringComparison.Ordinal);
        var expires = DateTimeOffset.Parse((string)data["expires_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        using var http = new HttpClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri($"{server.BaseUrl}connect/session"));
        get.Headers.Authorization = new("Bearer", token);
        var read = JsonNode.Parse(await (await http.SendAsync(get, Token)).Content.ReadAsStringAsync(Token))!;
        // Nango's getSession test: endUser with explicit nulls, and the default Connect UI settings.
        Assert.Equal(
            """{"endUser":{"id":"u1","display_name":null,"email":"u1@example.com","tags":null,"organization":null},"allowed_integrations":["gh"],"connectUISettings":{"showWatermark":true,"defaultTheme":"system","theme":{"light":{"primary":"#00B2E3"},"dark":{"primary":"#00B2E3"}}}}""",
            read["data"]!.ToJsonString());
        using var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri($"{server.BaseUrl}connect/session"));
        delete.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete, Token)).StatusCode);
        var gone = await http.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={token}"), Token);
        Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);

        var unknown = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["allowed_integrations"] = new JsonArray("nope") }, null, Token));
        Assert.Equal((400, "invalid_body"), (unknown.Status, unknown.Code));
        Assert.Contains("""{"code":"custom","message":"Integration does not exist","path":["allowed_integrations","0"]}""", unknown.Body, StringComparison.Ordinal);
        var strict = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject
            {
                ["end_user"] = new JsonObject { ["id"] = "u1", ["email"] = "not-an-email", ["tags"] = new JsonObject { ["plan"] = 3 } },
                ["integrations_config_defaults"] = new JsonObject
                {
                    ["gh"] = new JsonObject { ["user_scopes"] = 1, ["authorization_params"] = new JsonObject { ["prompt"] = true }, ["scopes"] = "x" },
                },
                ["extra"] = 1,
                ["other"] = 2,
            },
            null,
            Token));
        Assert.Equal((400, "invalid_body"), (strict.Status, strict.Code));
        var issues = JsonNode.Parse(strict.Body)!["error"]!["errors"]!.AsArray()
            .Select(i => ((string?)i!["code"], (string?)i["message"], string.Join('.', i["path"]!.AsArray().Select(p => (string?)p))))
            .ToList();
        Assert.Equal(
            [
                ("invalid_format", "Invalid email address", "end_user.email"),
                ("invalid_type", "Invalid input: expected string, received number", "end_user.tags.plan"),
                ("invalid_type", "Invalid input: expected string, received number", "integrations_config_defaults.gh.user_scopes"),
                ("invalid_type", "Invalid input: expected string, received boolean", "integrations_config_defaults.gh.authorization_params.prompt"),
                ("unrecognized_keys", "Unrecognized key: \"scopes\"", "integrations_config_defaults.gh"),
                ("unrecognized_keys", "Unrecognized keys: \"extra\", \"other\"", string.Empty),
            ],
            issues);

        var docsOverride = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["overrides"] = new JsonObject { ["gh"] = new JsonObject { ["docs_connect"] = "https://docs.example" } } },
            null,
            Token));
        Assert.Equal((403, "forbidden"), (docsOverride.Status, docsOverride.Code));
        var withQuery = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions?a=1&b=2", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" } }, null, Token));
        Assert.Equal((400, "invalid_query_params"), (withQuery.Status, withQuery.Code));
        Assert.Equal("Unrecognized keys: \"a\", \"b\"", (string?)JsonNode.Parse(withQuery.Body)!["error"]!["errors"]![0]!["message"]);

        // webhook_url_override becomes the connection's: an absolute http(s) URL or "" (none), refused otherwise.
        foreach (var (value, detail) in new (JsonNode Value, string Detail)[] { (42, "Invalid input: expected string, received number"), ("not a url", "Invalid URL"), ("ftp://h.example/x", "Invalid URL") })
        {
            var refused = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
                HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["webhook_url_override"] = value }, null, Token));
            Assert.Equal((400, "invalid_body"), (refused.Status, refused.Code));
            Assert.Contains(detail, refused.Body, StringComparison.Ordinal);
            Assert.Contains("webhook_url_override", refused.Body, StringComparison.Ordinal);
        }

        foreach (var accepted in new[] { string.Empty, "https://h.example/hook" })
        {
            var ok = await server.Client.SendAsync(
                HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["webhook_url_override"] = accepted }, null, Token);
            Assert.NotNull(ok!["data"]!["token"]);
        }
    }

    /// <summary>Nango's session type has <c>oauth_scopes_override</c> as one comma-separated string.</summary>
    [Fact]
    public async Task OAuthStart_WithASessionsScopesOverrideAsACommaSeparatedString_AsksForThoseScopes()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        var created = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject
            {
                ["end_user"] = new JsonObject { ["id"] = "u1" },
                ["integrations_config_defaults"] = new JsonObject { ["gh"] = new JsonObject { ["connection_config"] = new JsonObject { ["oauth_scopes_override"] = "read:user, repo" } } },
            },
            null,
            Token);
        using var browser = Browser();

        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={(string)created!["data"]!["token"]!}"), Token);

        var query = System.Web.HttpUtility.ParseQueryString(consent.RequestMessage!.RequestUri!.Query);
        Assert.Equal("read:user repo", query["scope"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AConnectionsOwnOAuthApp_FromThePopupsQuery_AuthorizesExchangesAndRefreshes(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        fakes.OAuth.RegisterClient(new FakeOAuthClient("own-app", "own-app-secret"));
        var logs = new CapturedLogs();
        await using var server = await StartAsync(dialect, fakes, logs);
        using var browser = Browser();

        var consent = await browser.GetAsync(
            new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={await CreateSessionAsync(server)}"
                + "&credentials%5Boauth_client_id_override%5D=own-app&credentials%5Boauth_client_secret_override%5D=own-app-secret"),
            Token);
        Assert.Equal("own-app", System.Web.HttpUtility.ParseQueryString(consent.RequestMessage!.RequestUri!.Query)["client_id"]);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, await consent.Content.ReadAsStringAsync(Token), "allow");

        // The fake binds codes and refresh tokens to the client they were issued to: the exchange used the connection's app.
        Assert.Contains("data-result=\"success\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var connectionId = await OnlyConnectionIdAsync(server);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh", null, null, Token);
        Assert.Equal("""{"client_id":"own-app","client_secret":"own-app-secret"}""", connection!["credentials"]!["config_override"]!.ToJsonString());
        Assert.Equal("{}", connection["connection_config"]!.ToJsonString());

        // Its refreshes go with its own app too (the integration's client could not redeem this refresh token).
        var refreshed = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh&force_refresh=true", null, null, Token);
        Assert.NotEqual((string?)connection["credentials"]!["access_token"], (string?)refreshed!["credentials"]!["access_token"]);
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)refreshed["credentials"]!["access_token"]!));
        Assert.DoesNotContain("own-app-secret", logs.Text, StringComparison.Ordinal);
    }

    /// <summary>Nango applies the popup's app before it checks the integration has one: an integration without an app connects with the connection's own.</summary>
    [Fact]
    public async Task AConnectionsOwnOAuthApp_ConnectsAnIntegrationWithoutOne_AndHalfAnAppIsRefused()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        fakes.OAuth.RegisterClient(new FakeOAuthClient("own-app", "own-app-secret"));
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var session = await CreateSessionAsync(server);

        var none = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/appless?connect_session_token={session}"), Token);
        var idOnly = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/appless?connect_session_token={session}&credentials%5Boauth_client_id_override%5D=own-app"), Token);
        using var browser = Browser();
        var consent = await browser.GetAsync(
            new Uri($"{server.BaseUrl}oauth/connect/appless?connect_session_token={session}"
                + "&credentials%5Boauth_client_id_override%5D=own-app&credentials%5Boauth_client_secret_override%5D=own-app-secret"),
            Token);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, await consent.Content.ReadAsStringAsync(Token), "allow");

        Assert.Equal((HttpStatusCode.BadRequest, "missing_client_id"), (none.StatusCode, (string?)JsonNode.Parse(await none.Content.ReadAsStringAsync(Token))!["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "missing_client_id"), (idOnly.StatusCode, (string?)JsonNode.Parse(await idOnly.Content.ReadAsStringAsync(Token))!["error"]!["code"]));
        Assert.Contains("data-result=\"success\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{await OnlyConnectionIdAsync(server)}?provider_config_key=appless", null, null, Token);
        Assert.Equal("""{"client_id":"own-app","client_secret":"own-app-secret"}""", connection!["credentials"]!["config_override"]!.ToJsonString());
    }

    /// <summary>Nango's oauthRequest: the session's allowance and the OAuth app are checked before the auth mode.</summary>
    [Fact]
    public async Task OAuthStart_ChecksTheAllowanceAndTheAppBeforeTheAuthMode_AsNango()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var onlyGh = await CreateSessionAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["allowed_integrations"] = new JsonArray("gh") });
        var any = await CreateSessionAsync(server);

        var notAllowed = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/keyed?connect_session_token={onlyGh}"), Token);
        var apiKeyIntegration = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/keyed?connect_session_token={any}"), Token);

        Assert.Equal(
            (HttpStatusCode.BadRequest, """{"code":"integration_not_allowed"}"""),
            (notAllowed.StatusCode, JsonNode.Parse(await notAllowed.Content.ReadAsStringAsync(Token))!["error"]!.ToJsonString()));
        Assert.Equal((HttpStatusCode.BadRequest, "missing_client_id"), (apiKeyIntegration.StatusCode, (string?)JsonNode.Parse(await apiKeyIntegration.Content.ReadAsStringAsync(Token))!["error"]!["code"]));
    }

    /// <summary>Nango spreads the requested parameters over its own: a requested code_challenge replaces PKCE's (one of each).</summary>
    [Fact]
    public async Task ARequestedCodeChallenge_ReplacesPkces_SoTheUrlHoldsOneOfEach()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var started = await plain.GetAsync(
            new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={await CreateSessionAsync(server)}&authorization_params%5Bcode_challenge%5D=mine&authorization_params%5Bprompt%5D=consent"),
            Token);

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var names = started.Headers.Location!.Query.TrimStart('?').Split('&').Select(p => Uri.UnescapeDataString(p.Split('=')[0])).ToList();
        var query = System.Web.HttpUtility.ParseQueryString(started.Headers.Location.Query);
        Assert.Equal(["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "prompt"], names);
        Assert.Equal(("mine", "S256", "consent"), (query["code_challenge"], query["code_challenge_method"], query["prompt"]));
    }

    /// <summary>Nango's missesInterpolationParamInObject: a template parameter the connection config cannot fill fails the start.</summary>
    [Fact]
    public async Task ATemplatesAuthorizationParamTheConfigCannotFill_FailsTheStart_WithNangosText()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var session = await CreateSessionAsync(server);

        var refused = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/au?connect_session_token={session}&params%5Bregion%5D=eu"), Token);
        var started = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/au?connect_session_token={session}&params%5Baudience%5D=api.acme"), Token);

        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Token))!["error"]!;
        Assert.Equal(
            (HttpStatusCode.BadRequest, "invalid_connection_config", """Missing Connection Config param(s) in Auth request to interpolate url authorization_params. Provided Connection Config: {"region":"eu"}"""),
            (refused.StatusCode, (string?)error["code"], (string?)error["message"]));
        Assert.Equal("api.acme", System.Web.HttpUtility.ParseQueryString(started.Headers.Location!.Query)["audience"]);

        // Filled, but not a URL: nothing is missing, and the message does not say so.
        var notUrl = await plain.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/bs?connect_session_token={session}&params%5Bbase%5D=acme"), Token);
        var notUrlError = JsonNode.Parse(await notUrl.Content.ReadAsStringAsync(Token))!["error"]!;
        Assert.Equal(
            (HttpStatusCode.BadRequest, "invalid_connection_config", "The authorization URL of provider 'fake-based' is not an absolute URL once filled from the connection config."),
            (notUrl.StatusCode, (string?)notUrlError["code"], (string?)notUrlError["message"]));
    }

    [Fact]
    public async Task TokenResponseAndRedirectUriMetadata_AreKeptInTheConnectionConfig_AsNangoKeepsThem()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        fakes.OAuth.ExtraTokenFieldsJson = new Dictionary<string, string>
        {
            ["instance_url"] = "\"https://acme.my.example\"",
            ["urls"] = "{\"rest\":\"https://acme.my.example/rest\"}",
            ["ignored"] = "\"not listed\"",
        };
        fakes.OAuth.ExtraCallbackParameters = new Dictionary<string, string> { ["shop"] = "acme-shop", ["other"] = "not listed" };
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var browser = Browser();

        var consent = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/sf?connect_session_token={await CreateSessionAsync(server)}&params%5Bregion%5D=eu"), Token);
        var answer = await SubmitAsync(browser, consent.RequestMessage!.RequestUri!, await consent.Content.ReadAsStringAsync(Token), "allow");

        Assert.Contains("data-result=\"success\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var connectionId = await OnlyConnectionIdAsync(server);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=sf", null, null, Token);
        Assert.Equal(
            """{"instance_url":"https://acme.my.example","urls.rest":"https://acme.my.example/rest","shop":"acme-shop","region":"eu"}""",
            connection!["connection_config"]!.ToJsonString());
    }

    [Fact]
    public async Task ATokenUrlTheConnectionConfigCannotFill_FailsTheStart_NotTheCallback()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var session = await CreateSessionAsync(server);

        var refused = await http.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/tn?connect_session_token={session}"), Token);
        var started = await http.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/tn?connect_session_token={session}&params%5Btenant%5D=acme"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Token))!["error"]!;
        Assert.Equal("invalid_connection_config", (string?)error["code"]);
        Assert.Contains("connectionConfig.tenant", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
    }

    [Fact]
    public async Task SlacksUserScopes_FromTheSession_GoToTheAuthorizeUrlAndTheConnectionConfig()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        var token = await CreateSessionAsync(server, new JsonObject
        {
            ["end_user"] = new JsonObject { ["id"] = "u1" },
            ["integrations_config_defaults"] = new JsonObject
            {
                ["sl"] = new JsonObject { ["user_scopes"] = "chat:write,users:read" },
                ["gh"] = new JsonObject { ["user_scopes"] = "chat:write" },
            },
        });
        using var browser = Browser();

        // The query's user_scope is not read in a session (the session's win, as in Nango).
        var slack = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/sl?connect_session_token={token}&user_scope=ignored"), Token);
        var other = await browser.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={token}"), Token);

        Assert.Equal("chat:write,users:read", System.Web.HttpUtility.ParseQueryString(slack.RequestMessage!.RequestUri!.Query)["user_scope"]);
        Assert.Null(System.Web.HttpUtility.ParseQueryString(other.RequestMessage!.RequestUri!.Query)["user_scope"]);
        var answer = await SubmitAsync(browser, slack.RequestMessage!.RequestUri!, await slack.Content.ReadAsStringAsync(Token), "allow");
        Assert.Contains("data-result=\"success\"", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var connectionId = await OnlyConnectionIdAsync(server);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=sl", null, null, Token);
        Assert.Equal("chat:write,users:read", (string?)connection!["connection_config"]!["user_scope"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ApiKeyConnection_ThroughASession_AndAReconnectOverridesIt(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes, null);
        using var http = new HttpClient();
        var session = await CreateSessionAsync(server);

        var first = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={session}"),
            new StringContent("""{"apiKey":"key-one"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync(Token))!;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var connectionId = (string)firstBody["connectionId"]!;

        var reconnect = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions/reconnect", new JsonObject { ["connection_id"] = connectionId, ["integration_id"] = "keyed" }, null, Token);
        var second = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={(string)reconnect!["data"]!["token"]!}"),
            new StringContent("""{"apiKey":"key-two"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(connectionId, (string?)JsonNode.Parse(await second.Content.ReadAsStringAsync(Token))!["connectionId"]);
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal("key-two", (string?)connection!["credentials"]!["apiKey"]);

        var wrongMode = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/basic/keyed?connect_session_token={session}"),
            new StringContent("""{"username":"a","password":"b"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        Assert.Equal(HttpStatusCode.BadRequest, wrongMode.StatusCode);
        Assert.Contains("invalid_auth_mode", await wrongMode.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        // Nango's order: the integration and the auth mode first, then the session's allowance.
        var onlyGitHub = await CreateSessionAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["allowed_integrations"] = new JsonArray("gh") });
        var apiKeyBody = """{"apiKey":"key-three"}""";
        var unknown = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/nope?connect_session_token={onlyGitHub}"), new StringContent(apiKeyBody, System.Text.Encoding.UTF8, "application/json"), Token);
        var wrongModeFirst = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/basic/keyed?connect_session_token={onlyGitHub}"),
            new StringContent("""{"username":"a","password":"b"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        var notAllowed = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={onlyGitHub}"), new StringContent(apiKeyBody, System.Text.Encoding.UTF8, "application/json"), Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("unknown_provider_config", await unknown.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("invalid_auth_mode", await wrongModeFirst.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("integration_not_allowed", await notAllowed.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ASessionsEndUserAndTags_StayOnItsConnection_AndAReconnectNamingAnotherReplacesThem(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes, null);
        using var http = new HttpClient();
        var token = await CreateSessionAsync(server, new JsonObject
        {
            ["end_user"] = new JsonObject { ["id"] = "u1", ["email"] = "u1@example.com", ["display_name"] = "Una", ["tags"] = new JsonObject { ["Team"] = "blue" } },
            ["organization"] = new JsonObject { ["id"] = "org-1", ["display_name"] = "Acme" },
            ["tags"] = new JsonObject { ["Plan"] = "pro", ["team"] = "red" },
        });
        var connected = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={token}"),
            new StringContent("""{"apiKey":"key-one"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        var connectionId = (string)JsonNode.Parse(await connected.Content.ReadAsStringAsync(Token))!["connectionId"]!;

        const string EndUser = """{"id":"u1","display_name":"Una","email":"u1@example.com","tags":{"Team":"blue"},"organization":{"id":"org-1","display_name":"Acme"}}""";
        const string Tags = """{"end_user_id":"u1","end_user_email":"u1@example.com","end_user_display_name":"Una","organization_id":"org-1","organization_display_name":"Acme","team":"red","plan":"pro"}""";
        var connection = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal(EndUser, connection!["end_user"]!.ToJsonString());
        Assert.Equal(Tags, connection["tags"]!.ToJsonString());
        var listed = Assert.Single((await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token))!["connections"]!.AsArray())!;
        Assert.Equal(EndUser, listed["end_user"]!.ToJsonString());
        Assert.Equal(Tags, listed["tags"]!.ToJsonString());

        // A reconnect session without an end user or tags keeps the connection's; one naming another end user replaces them.
        await ReconnectAsync([]);
        var kept = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal(EndUser, kept!["end_user"]!.ToJsonString());
        await ReconnectAsync(new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u2" } });
        var replaced = await server.Client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=keyed", null, null, Token);
        Assert.Equal("""{"id":"u2","display_name":null,"email":null,"tags":null,"organization":null}""", replaced!["end_user"]!.ToJsonString());
        Assert.Equal("""{"end_user_id":"u2"}""", replaced["tags"]!.ToJsonString());

        async Task ReconnectAsync(JsonObject fields)
        {
            fields["connection_id"] = connectionId;
            fields["integration_id"] = "keyed";
            var session = await server.Client.SendAsync(HttpMethod.Post, "connect/sessions/reconnect", fields, null, Token);
            var answer = await http.PostAsync(
                new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={(string)session!["data"]!["token"]!}"),
                new StringContent("""{"apiKey":"key-two"}""", System.Text.Encoding.UTF8, "application/json"),
                Token);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
    }

    [Fact]
    public async Task AReconnectSessionReads_AsNangosGetConnectSession()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, null);
        using var http = new HttpClient();
        var connected = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={await CreateSessionAsync(server)}"),
            new StringContent("""{"apiKey":"key-one"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        var connectionId = (string)JsonNode.Parse(await connected.Content.ReadAsStringAsync(Token))!["connectionId"]!;
        var reconnect = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions/reconnect",
            new JsonObject
            {
                ["connection_id"] = connectionId,
                ["integration_id"] = "keyed",
                ["end_user"] = new JsonObject { ["id"] = "u2", ["display_name"] = "Dee" },
                ["organization"] = new JsonObject { ["id"] = "org-2" },
                ["integrations_config_defaults"] = new JsonObject
                {
                    ["keyed"] = new JsonObject { ["user_scopes"] = "a", ["connection_config"] = new JsonObject { ["subdomain"] = "acme" } },
                },
            },
            null,
            Token);

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri($"{server.BaseUrl}connect/session"));
        get.Headers.Authorization = new("Bearer", (string)reconnect!["data"]!["token"]!);
        var read = JsonNode.Parse(await (await http.SendAsync(get, Token)).Content.ReadAsStringAsync(Token))!;

        Assert.Equal(
            """{"endUser":{"id":"u2","display_name":"Dee","email":null,"tags":null,"organization":{"id":"org-2","display_name":null}},"allowed_integrations":["keyed"]"""
            + ""","integrations_config_defaults":{"keyed":{"connection_config":{"subdomain":"acme"}}},"isReconnecting":true,"connectUISettings":{"showWatermark":true,"defaultTheme":"system","theme":{"light":{"primary":"#00B2E3"},"dark":{"primary":"#00B2E3"}}}}""",
            read["data"]!.ToJsonString());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AConnectionIdBesideASessionToken_IsRefusedAsNangoDoes_AndConnectsNothing(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes, null);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var session = await CreateSessionAsync(server);
        const string ExpectedIssues = """[{"code":"custom","message":"connection_id is forbidden when using session token","path":["connection_id"]}]""";

        var apiKey = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={session}&connection_id=chosen-by-the-browser"),
            new StringContent("""{"apiKey":"key-one"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        var oauth = await http.GetAsync(new Uri($"{server.BaseUrl}oauth/connect/gh?connect_session_token={session}&connection_id=chosen-by-the-browser"), Token);

        foreach (var refused in new[] { apiKey, oauth })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Token))!["error"]!;
            Assert.Equal("invalid_query_params", (string?)error["code"]);
            Assert.Equal(ExpectedIssues, error["errors"]!.ToJsonString());
        }

        var connections = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Empty(connections!["connections"]!.AsArray());

        // The session was not used up by the refusal: without the parameter it connects.
        var connected = await http.PostAsync(
            new Uri($"{server.BaseUrl}api-auth/api-key/keyed?connect_session_token={session}"),
            new StringContent("""{"apiKey":"key-one"}""", System.Text.Encoding.UTF8, "application/json"),
            Token);
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
    }

    private static HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true, CookieContainer = new CookieContainer() });

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, Uri consentPage, string html, string decision)
    {
        var action = WebUtility.HtmlDecode(ActionPattern().Match(html).Groups[1].Value);
        var requestId = WebUtility.HtmlDecode(RequestIdPattern().Match(html).Groups[1].Value);
        return await browser.PostAsync(
            new Uri(consentPage, action),
            new FormUrlEncodedContent([new("request_id", requestId), new("decision", decision)]),
            Token);
    }

    private static Task<string> CreateSessionAsync(TestServer server) =>
        CreateSessionAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "end-user-1" } });

    private static async Task<string> CreateSessionAsync(TestServer server, JsonObject body)
    {
        var created = await server.Client.SendAsync(HttpMethod.Post, "connect/sessions", body, null, Token);
        return (string)created!["data"]!["token"]!;
    }

    /// <summary>The id of the environment's one connection (the test made exactly one).</summary>
    private static async Task<string> OnlyConnectionIdAsync(TestServer server) =>
        (string)Assert.Single((await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token))!["connections"]!.AsArray())!["connection_id"]!;

    private static async Task<TestServer> StartAsync(TestDialect dialect, FakeProviders.FakeProviders fakes, CapturedLogs? logs)
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
              fake-keyed:
                auth_mode: API_KEY
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
                  headers:
                    authorization: 'Bearer {ApiKeyPlaceholder}'
              fake-salesforce:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                token_response_metadata: [instance_url, urls.rest, missing]
                redirect_uri_metadata: [shop]
              fake-tenant:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}?tenant={TenantPlaceholder}
              fake-audience:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                authorization_params:
                  audience: {AudiencePlaceholder}
              fake-based:
                auth_mode: OAUTH2
                authorization_url: {BasePlaceholder}/authorize
                token_url: {fakes.OAuth.TokenUrl}
              slack:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}

            integrations:
              gh:
                provider: fake-github
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
                syncs:
                  issues:
                    function: {GitHubIssuesTestFunction.Name}
                    models: [Issue]
                    frequency: every 1h
                    auto_start: false
              keyed:
                provider: fake-keyed
              sf:
                provider: fake-salesforce
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              tn:
                provider: fake-tenant
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              appless:
                provider: fake-github
              au:
                provider: fake-audience
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              bs:
                provider: fake-based
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              sl:
                provider: slack
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
            """;
        return await TestServer.StartAsync(
            dialect,
            Token,
            config,
            services: s =>
            {
                s.AddSyncFunction<GitHubIssuesTestFunction>(GitHubIssuesTestFunction.Name);
                if (logs is not null)
                {
                    s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
                }
            });
    }

    [GeneratedRegex("<form id=\"consent\" method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex ActionPattern();

    [GeneratedRegex("name=\"request_id\" value=\"([^\"]*)\"")]
    private static partial Regex RequestIdPattern();
}
