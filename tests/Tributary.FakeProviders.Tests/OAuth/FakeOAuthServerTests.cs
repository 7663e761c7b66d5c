using System.Net;

namespace Tributary.FakeProviders.Tests.OAuth;

public sealed class FakeOAuthServerTests
{
    [Fact]
    public async Task AuthorizationCode_WithS256Pkce_ConsentThenExchange_IssuesWorkingTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = Http.NoRedirects();
        var (verifier, challenge) = Http.NewPkce();

        var redirect = await Http.ConsentAsync(client, Http.AuthorizeUrl(fakes, challenge), ct);
        Assert.Equal("st-1", redirect["state"]);
        var (status, body) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = redirect["code"],
            ["redirect_uri"] = Http.RedirectUri,
            ["code_verifier"] = verifier,
        }), ct);

        Assert.Equal(200, status);
        Assert.Equal("bearer", (string?)body["token_type"]);
        Assert.Equal(3600, (int)body["expires_in"]!);
        Assert.Equal("issues:read", (string?)body["scope"]);
        Assert.NotNull((string?)body["refresh_token"]);
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)body["access_token"]!));
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("authorization_code"));
    }

    [Fact]
    public async Task AuthorizationCode_WithWrongVerifier_IsInvalidGrant_AndTheCodeIsSpent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = Http.NoRedirects();
        var (verifier, challenge) = Http.NewPkce();
        var redirect = await Http.ConsentAsync(client, Http.AuthorizeUrl(fakes, challenge), ct);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = redirect["code"],
            ["redirect_uri"] = Http.RedirectUri,
            ["code_verifier"] = Http.NewPkce().Verifier,
        };

        var (status, body) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(form), ct);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Contains("code_verifier", (string?)body["error_description"], StringComparison.Ordinal);

        form["code_verifier"] = verifier;
        var (retryStatus, retryBody) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(form), ct);
        Assert.Equal(400, retryStatus);
        Assert.Equal("invalid_grant", (string?)retryBody["error"]);
    }

    [Fact]
    public async Task AuthorizationCode_PlainPkceAndAutoApprove_RedirectsAtOnce_AndACodeWorksOnlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = Http.NoRedirects();
        var verifier = Http.NewPkce().Verifier;

        using var response = await client.GetAsync(Http.AuthorizeUrl(fakes, verifier, method: "plain") + "&auto=1", ct);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var code = Http.RedirectQuery(response)["code"];
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = Http.RedirectUri,
            ["code_verifier"] = verifier,
        };

        Assert.Equal(200, (await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new(form)), ct)).Status);
        var (replayStatus, replay) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new(form)), ct);
        Assert.Equal(400, replayStatus);
        Assert.Equal("invalid_grant", (string?)replay["error"]);
    }

    [Fact]
    public async Task Authorize_Deny_RedirectsWithAccessDenied()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = Http.NoRedirects();

        var redirect = await Http.ConsentAsync(client, Http.AuthorizeUrl(fakes, Http.NewPkce().Challenge), ct, decision: "deny");

        Assert.Equal("access_denied", redirect["error"]);
        Assert.Equal("st-1", redirect["state"]);
        Assert.False(redirect.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_UnknownClientOrUnregisteredRedirect_ShowsAnErrorPageWithoutRedirecting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        fakes.OAuth.RegisterClient(new FakeOAuthClient("strict", "s") { RedirectUris = ["http://127.0.0.1:9/other"] });
        using var client = Http.NoRedirects();

        using var unknown = await client.GetAsync(Http.AuthorizeUrl(fakes, null, clientId: "nope"), ct);
        using var unregistered = await client.GetAsync(Http.AuthorizeUrl(fakes, null, clientId: "strict"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
        Assert.Contains("redirect_uri", await unregistered.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_BadResponseTypeScopeOrMissingPkce_RedirectsTheErrorWithState()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        fakes.OAuth.RegisterClient(new FakeOAuthClient("scoped", "s") { AllowedScopes = ["read"] });
        fakes.OAuth.RequirePkce = true;
        using var client = Http.NoRedirects();

        using var token = await client.GetAsync(Http.AuthorizeUrl(fakes, Http.NewPkce().Challenge).Replace("response_type=code", "response_type=token", StringComparison.Ordinal), ct);
        using var scope = await client.GetAsync(Http.AuthorizeUrl(fakes, Http.NewPkce().Challenge, clientId: "scoped", scope: "read write"), ct);
        using var pkce = await client.GetAsync(Http.AuthorizeUrl(fakes, null), ct);

        Assert.Equal("unsupported_response_type", Http.RedirectQuery(token)["error"]);
        Assert.Equal("invalid_scope", Http.RedirectQuery(scope)["error"]);
        Assert.Equal("invalid_request", Http.RedirectQuery(pkce)["error"]);
        Assert.Equal("st-1", Http.RedirectQuery(pkce)["state"]);
    }

    [Theory]
    [InlineData(ClientAuthenticationMethod.Basic, true, false, 200)]
    [InlineData(ClientAuthenticationMethod.Basic, false, true, 401)]
    [InlineData(ClientAuthenticationMethod.Body, false, true, 200)]
    [InlineData(ClientAuthenticationMethod.Body, true, false, 401)]
    [InlineData(ClientAuthenticationMethod.Any, true, false, 200)]
    [InlineData(ClientAuthenticationMethod.Any, false, true, 200)]
    [InlineData(ClientAuthenticationMethod.Any, true, true, 200)]
    public async Task ClientCredentials_ClientAuthentication_IsCheckedWhereTheServerRequiresIt(ClientAuthenticationMethod method, bool basic, bool body, int expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        fakes.OAuth.ClientAuthentication = method;
        using var client = new HttpClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "crm" };

        var (status, answer) = await Http.PostTokenAsync(
            client,
            fakes,
            body ? Http.WithBodyClient(form) : form,
            ct,
            basic ? ("fake-client-id", "fake-client-secret") : null);

        Assert.Equal(expected, status);
        if (expected == 200)
        {
            Assert.Equal("crm", (string?)answer["scope"]);
            Assert.Null(answer["refresh_token"]);
            Assert.True(fakes.OAuth.IsAccessTokenValid((string)answer["access_token"]!));
        }
        else
        {
            Assert.Equal("invalid_client", (string?)answer["error"]);
        }

        Assert.Equal(1, fakes.OAuth.TokenRequestCount("client_credentials"));
    }

    [Fact]
    public async Task Token_WrongSecret_IsInvalidClient_WithoutEchoingTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = new HttpClient();

        var (status, body) = await Http.PostTokenAsync(client, fakes, new() { ["grant_type"] = "client_credentials" }, ct, ("fake-client-id", "wrong-secret-value"));

        Assert.Equal(401, status);
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.DoesNotContain("wrong-secret-value", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_RotatesTheRefreshToken_AndRefusesTheOldOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        var tokens = fakes.OAuth.IssueTokens(scope: "a b");
        using var client = new HttpClient();

        var (status, refreshed) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! }), ct);
        var (oldStatus, old) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! }), ct);

        Assert.Equal(200, status);
        Assert.NotEqual(tokens.RefreshToken, (string?)refreshed["refresh_token"]);
        Assert.Equal("a b", (string?)refreshed["scope"]);
        Assert.True(fakes.OAuth.IsRefreshTokenValid((string)refreshed["refresh_token"]!));
        Assert.Equal(400, oldStatus);
        Assert.Equal("invalid_grant", (string?)old["error"]);
        Assert.Equal(2, fakes.OAuth.TokenRequestCount("refresh_token"));
    }

    [Fact]
    public async Task Refresh_WithoutRotation_KeepsTheRefreshTokenAndOmitsItFromTheAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        fakes.OAuth.RotateRefreshTokens = false;
        var tokens = fakes.OAuth.IssueTokens();
        using var client = new HttpClient();

        for (var i = 0; i < 2; i++)
        {
            var (status, body) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! }), ct);
            Assert.Equal(200, status);
            Assert.Null(body["refresh_token"]);
        }
    }

    [Fact]
    public async Task Refresh_FailureSwitch_AnswersInvalidGrantOr500_AndRecoversWhenSwitchedOff()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        var tokens = fakes.OAuth.IssueTokens();
        using var client = new HttpClient();
        Dictionary<string, string> Form() => Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! });

        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        var (grantStatus, grant) = await Http.PostTokenAsync(client, fakes, Form(), ct);
        fakes.OAuth.RefreshFailure = RefreshFailure.ServerError;
        var (serverStatus, server) = await Http.PostTokenAsync(client, fakes, Form(), ct);
        fakes.OAuth.RefreshFailure = RefreshFailure.None;
        var (okStatus, _) = await Http.PostTokenAsync(client, fakes, Form(), ct);

        Assert.Equal((400, "invalid_grant"), (grantStatus, (string?)grant["error"]));
        Assert.Equal((500, "server_error"), (serverStatus, (string?)server["error"]));
        Assert.Equal(200, okStatus);
        Assert.Equal(3, fakes.OAuth.TokenRequestCount("refresh_token"));
    }

    [Fact]
    public async Task Refresh_ConcurrentUseOfOneRotatingToken_ExactlyOneWins()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        var tokens = fakes.OAuth.IssueTokens();
        using var client = new HttpClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! }), ct)));

        Assert.Equal(1, answers.Count(a => a.Status == 200));
        Assert.Equal(19, answers.Count(a => a.Status == 400));
    }

    [Fact]
    public async Task Token_UnsupportedGrantOrMissingBody_IsAnOAuthError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var client = new HttpClient();

        var (status, body) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "password" }), ct);
        using var empty = await client.PostAsync(fakes.OAuth.TokenUrl, null, ct);

        Assert.Equal((400, "unsupported_grant_type"), (status, (string?)body["error"]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("password"));
    }

    [Fact]
    public async Task PublicClient_NeedsPkce_AndExchangesItsCodeWithoutASecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        fakes.OAuth.RegisterClient(new FakeOAuthClient("spa", null));
        fakes.OAuth.SendExpiresIn = false;
        using var client = Http.NoRedirects();
        var (verifier, challenge) = Http.NewPkce();

        using var withoutPkce = await client.GetAsync(Http.AuthorizeUrl(fakes, null, clientId: "spa") + "&auto=1", ct);
        using var approved = await client.GetAsync(Http.AuthorizeUrl(fakes, challenge, clientId: "spa") + "&auto=1", ct);
        var (status, body) = await Http.PostTokenAsync(client, fakes, new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "spa",
            ["code"] = Http.RedirectQuery(approved)["code"],
            ["redirect_uri"] = Http.RedirectUri,
            ["code_verifier"] = verifier,
        }, ct);

        Assert.Equal("invalid_request", Http.RedirectQuery(withoutPkce)["error"]);
        Assert.Equal(200, status);
        Assert.Null(body["expires_in"]);
    }
}
