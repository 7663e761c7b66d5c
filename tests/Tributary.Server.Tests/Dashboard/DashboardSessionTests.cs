using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Server.Dashboard;
using Tributary.Server.Tests.Api;
using Tributary.Testing;

namespace Tributary.Server.Tests.Dashboard;

/// <summary>The dashboard's session and CSRF rules over plain HTTP: what works with the cookie, and nothing without it.</summary>
public sealed class DashboardSessionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string NewConnection(string id) => new JsonObject
    {
        ["provider_config_key"] = "demo",
        ["connection_id"] = id,
        ["credentials"] = new JsonObject { ["type"] = "NONE" },
    }.ToJsonString();

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SignIn_WithTheSecretKey_SetsAnHttpOnlyStrictCookie_ThatReachesTheApi(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        using var http = new DashboardHttp(server.BaseUrl);

        var signIn = await http.SignInAsync(server.SecretKey, Token);
        var session = await http.SendAsync(HttpMethod.Get, "dashboard/session", null, Token);
        var connections = await http.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token);

        Assert.Equal(200, signIn.Status);
        var cookie = http.SetCookie!.ToLowerInvariant();
        Assert.StartsWith($"{DashboardSessions.CookieName}=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/dashboard", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(server.SecretKey, http.SetCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, session.Status);
        Assert.Equal("dev", (string?)JsonNode.Parse(session.Body)!["environment"]);
        Assert.Equal(200, connections.Status);
        Assert.NotNull(JsonNode.Parse(connections.Body)!["connections"]);
    }

    [Fact]
    public async Task SignIn_WithAnUnknownOrMalformedKey_Is401_AndSetsNoCookie()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new DashboardHttp(server.BaseUrl);

        var unknown = await http.SignInAsync(Guid.NewGuid().ToString(), Token);
        var malformed = await http.SignInAsync("not-a-key", Token);

        Assert.Equal(401, unknown.Status);
        Assert.Equal("unknown_account", unknown.ErrorCode);
        Assert.Equal(401, malformed.Status);
        Assert.Equal("invalid_secret_key_format", malformed.ErrorCode);
        Assert.False(unknown.Headers.ContainsKey("Set-Cookie"));
        Assert.Null(http.Cookie);
    }

    [Fact]
    public async Task SignIn_FromAnotherOrigin_OrAsAForm_IsRefused()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new DashboardHttp(server.BaseUrl);
        var body = new JsonObject { ["secret_key"] = server.SecretKey }.ToJsonString();

        var crossOrigin = await http.SendAsync(
            HttpMethod.Post, "dashboard/session", body, Token, headers: new Dictionary<string, string> { ["Origin"] = "https://evil.example" });
        var crossSite = await http.SendAsync(
            HttpMethod.Post, "dashboard/session", body, Token, headers: new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" });
        var form = await http.SendAsync(
            HttpMethod.Post, "dashboard/session", $"secret_key={server.SecretKey}", Token, contentType: "application/x-www-form-urlencoded");

        Assert.Equal(403, crossOrigin.Status);
        Assert.Equal("cross_origin_request", crossOrigin.ErrorCode);
        Assert.Equal(403, crossSite.Status);
        Assert.Equal(415, form.Status);
        Assert.False(crossOrigin.Headers.ContainsKey("Set-Cookie") || crossSite.Headers.ContainsKey("Set-Cookie") || form.Headers.ContainsKey("Set-Cookie"));
    }

    [Fact]
    public async Task WithoutASession_NothingButTheSignInPageWorks()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new DashboardHttp(server.BaseUrl);

        var page = await http.SendAsync(HttpMethod.Get, "dashboard/", null, Token);
        var signInScript = await http.SendAsync(HttpMethod.Get, "dashboard/signin.js", null, Token);
        var appScript = await http.SendAsync(HttpMethod.Get, "dashboard/app.js", null, Token);
        var view = await http.SendAsync(HttpMethod.Get, "dashboard/views/records.js", null, Token);
        var session = await http.SendAsync(HttpMethod.Get, "dashboard/session", null, Token);
        var api = await http.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token);
        http.Cookie = $"{DashboardSessions.CookieName}=forged-ticket";
        var forged = await http.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token);

        Assert.Equal(200, page.Status);
        Assert.Contains("signin-form", page.Body, StringComparison.Ordinal);
        Assert.Equal(200, signInScript.Status);
        Assert.All([appScript, view, session, api, forged], answer =>
        {
            Assert.Equal(401, answer.Status);
            Assert.Equal("dashboard_session_required", answer.ErrorCode);
        });
        Assert.DoesNotContain("import", appScript.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithASession_ThePageIsTheDashboard_AndItsFilesAreServed()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = await DashboardHttp.SignedInAsync(server, Token);

        var page = await http.SendAsync(HttpMethod.Get, "dashboard/", null, Token);
        var app = await http.SendAsync(HttpMethod.Get, "dashboard/app.js", null, Token);
        var missing = await http.SendAsync(HttpMethod.Get, "dashboard/nope.js", null, Token);
        var bare = await http.SendAsync(HttpMethod.Get, "dashboard", null, Token);

        Assert.Equal(200, page.Status);
        Assert.Contains("id=\"main\"", page.Body, StringComparison.Ordinal);
        Assert.StartsWith("text/html", page.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(200, app.Status);
        Assert.StartsWith("text/javascript", app.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(404, missing.Status);
        Assert.Equal(302, bare.Status);
        Assert.Equal("/dashboard/", bare.Headers["Location"]);
    }

    [Fact]
    public async Task StateChangingApiCalls_WithoutTheCsrfToken_Are403_AndChangeNothing()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = await DashboardHttp.SignedInAsync(server, Token);

        var missing = await http.SendAsync(HttpMethod.Post, "dashboard/api/connections", NewConnection("no-token"), Token);
        var wrong = await http.SendAsync(HttpMethod.Post, "dashboard/api/connections", NewConnection("wrong-token"), Token, csrf: "x" + http.CsrfToken);
        var crossOrigin = await http.SendAsync(
            HttpMethod.Post, "dashboard/api/connections", NewConnection("cross-origin"), Token, csrf: http.CsrfToken,
            headers: new Dictionary<string, string> { ["Origin"] = "http://localhost:1" });
        var signOut = await http.SendAsync(HttpMethod.Delete, "dashboard/session", null, Token);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var good = await http.SendAsync(HttpMethod.Post, "dashboard/api/connections", NewConnection("with-token"), Token, csrf: http.CsrfToken);

        Assert.Equal(403, missing.Status);
        Assert.Equal("csrf_token_invalid", missing.ErrorCode);
        Assert.Equal(403, wrong.Status);
        Assert.Equal(403, crossOrigin.Status);
        Assert.Equal(403, signOut.Status);
        Assert.Empty(list!["connections"]!.AsArray());
        Assert.Equal(201, good.Status);
    }

    [Fact]
    public async Task ThePublicApi_IgnoresTheCookie_AndTheDashboardApi_IgnoresBearerKeys()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = await DashboardHttp.SignedInAsync(server, Token);
        using var bearerOnly = new DashboardHttp(server.BaseUrl);

        var publicWithCookie = await http.SendAsync(HttpMethod.Get, "connections", null, Token);
        var dashboardWithBearer = await bearerOnly.SendAsync(
            HttpMethod.Get, "dashboard/api/connections", null, Token,
            headers: new Dictionary<string, string> { ["Authorization"] = $"Bearer {server.SecretKey}" });

        Assert.Equal(401, publicWithCookie.Status);
        Assert.Equal("missing_auth_header", publicWithCookie.ErrorCode);
        Assert.Equal(401, dashboardWithBearer.Status);
        Assert.Equal("dashboard_session_required", dashboardWithBearer.ErrorCode);
    }

    [Fact]
    public async Task TheSession_CarriesTheKeysScopes()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var environment = await control.EnsureEnvironmentAsync("dev", Token);
        var readOnly = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(environment.Id, ApiKeys.Hash(readOnly), "read-only", ["environment:connections:read"], Token);
        using var http = new DashboardHttp(server.BaseUrl);
        await http.SignInAsync(readOnly, Token);

        var read = await http.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token);
        var write = await http.SendAsync(HttpMethod.Post, "dashboard/api/connections", NewConnection("nope"), Token, csrf: http.CsrfToken);

        Assert.Equal(200, read.Status);
        Assert.Equal(403, write.Status);
        Assert.Equal("forbidden", write.ErrorCode);
    }

    [Fact]
    public async Task SignOut_WithTheToken_ExpiresTheCookie()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = await DashboardHttp.SignedInAsync(server, Token);

        var signOut = await http.SendAsync(HttpMethod.Delete, "dashboard/session", null, Token, csrf: http.CsrfToken);

        Assert.Equal(200, signOut.Status);
        Assert.Contains($"{DashboardSessions.CookieName}=;", signOut.Headers["Set-Cookie"], StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", signOut.Headers["Set-Cookie"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryDashboardAnswer_CarriesTheContentSecurityPolicy()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = await DashboardHttp.SignedInAsync(server, Token);
        using var anonymous = new DashboardHttp(server.BaseUrl);

        var answers = new[]
        {
            await anonymous.SendAsync(HttpMethod.Get, "dashboard/", null, Token),
            await anonymous.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token),
            await http.SendAsync(HttpMethod.Get, "dashboard/", null, Token),
            await http.SendAsync(HttpMethod.Get, "dashboard/style.css", null, Token),
            await http.SendAsync(HttpMethod.Get, "dashboard/api/connections", null, Token),
            await http.SendAsync(HttpMethod.Get, "dashboard/api/no-such-endpoint", null, Token),
        };

        Assert.All(answers, answer =>
        {
            Assert.Equal(DashboardHeaders.ContentSecurityPolicy, answer.Headers["Content-Security-Policy"]);
            Assert.Equal("nosniff", answer.Headers["X-Content-Type-Options"]);
            Assert.Equal("no-store", answer.Headers["Cache-Control"]);
        });
        Assert.Equal(404, answers[^1].Status);
        Assert.DoesNotContain("unsafe-inline", DashboardHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderAPathBase_TheDashboardAndItsCookieLiveUnderIt()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token, o => o.PathBase = "/nango");
        using var http = new DashboardHttp(server.BaseUrl);

        var signIn = await http.SignInAsync(server.SecretKey, Token, prefix: "nango/");
        var api = await http.SendAsync(HttpMethod.Get, "nango/dashboard/api/integrations", null, Token);
        var unprefixed = await http.SendAsync(HttpMethod.Get, "dashboard/", null, Token);

        Assert.Equal(200, signIn.Status);
        Assert.Contains("path=/nango/dashboard", http.SetCookie!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, api.Status);
        Assert.Equal(404, unprefixed.Status);
    }

    [Fact]
    public async Task ASession_OpenedOnOneProcess_WorksOnAnotherSharingTheDatabase()
    {
        // Two API processes behind one address: same PostgreSQL database, same encryption key, same secret key.
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);

        var encryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var secretKey = Guid.NewGuid().ToString();
        void Shared(Tributary.Server.Hosting.TributaryServerOptions o)
        {
            o.EncryptionKey = encryptionKey;
            o.SecretKey = secretKey;
        }

        await using var first = await TestServer.StartAsync(TestDialect.Postgres, Token, databaseUrl: databaseUrl, options: Shared);
        await using var second = await TestServer.StartAsync(TestDialect.Postgres, Token, databaseUrl: databaseUrl, options: Shared);
        using var onFirst = new DashboardHttp(first.BaseUrl);
        await onFirst.SignInAsync(secretKey, Token);
        using var onSecond = new DashboardHttp(second.BaseUrl) { Cookie = onFirst.Cookie };

        var created = await onSecond.SendAsync(
            HttpMethod.Post, "dashboard/api/connections", NewConnection("across"), Token, csrf: onFirst.CsrfToken);

        Assert.Equal(201, created.Status);
    }
}
