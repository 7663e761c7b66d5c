using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.FakeProviders;

/// <summary>
/// A fake OAuth 2.0 authorization server: a consent page with single-use codes and PKCE, and a token endpoint for
/// <c>authorization_code</c>, <c>refresh_token</c> and <c>client_credentials</c>. The tokens it issues are the only
/// ones the fake APIs accept. Every switch may be flipped while the server runs.
/// </summary>
public sealed class FakeOAuthServer : FakeApi
{
    /// <summary>The client registered at start: id <c>fake-client-id</c>, secret <c>fake-client-secret</c>, any redirect URI and scope.</summary>
    public static readonly FakeOAuthClient DefaultClient = new("fake-client-id", "fake-client-secret");

    private readonly ConcurrentDictionary<string, FakeOAuthClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _tokenRequests = new(StringComparer.Ordinal);

    internal FakeOAuthServer(TimeProvider timeProvider)
        : base("/oauth", timeProvider)
    {
        Tokens = new TokenStore(timeProvider);
        Codes = new AuthorizationCodes(timeProvider);
        RegisterClient(DefaultClient);
    }

    /// <summary>The authorization endpoint (<c>{BaseUrl}authorize</c>).</summary>
    public Uri AuthorizeUrl => Url("/authorize");

    /// <summary>The token endpoint (<c>{BaseUrl}token</c>), also the refresh URL.</summary>
    public Uri TokenUrl => Url("/token");

    /// <summary>
    /// Approve every valid <c>/authorize</c> request at once with a 302 to <c>redirect_uri?code=…&amp;state=…</c>
    /// instead of showing the consent page. The same happens per request when the query carries <c>auto=1</c>.
    /// Default false.
    /// </summary>
    public bool AutoApprove { get; set; }

    /// <summary>Refuse <c>/authorize</c> without <c>code_challenge</c> (public clients always need one). Default false.</summary>
    public bool RequirePkce { get; set; }

    /// <summary>Where the token endpoint wants the client credentials. Default <see cref="ClientAuthenticationMethod.Any"/>.</summary>
    public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.Any;

    /// <summary>How long an access token works (sent as <c>expires_in</c>, whole seconds rounded up). Default one hour.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Send <c>expires_in</c> in token answers (GitHub OAuth apps do not). Default true.</summary>
    public bool SendExpiresIn { get; set; } = true;

    /// <summary>Issue refresh tokens with the <c>authorization_code</c> grant. Default true.</summary>
    public bool IssueRefreshTokens { get; set; } = true;

    /// <summary>
    /// Each refresh invalidates the refresh token it used and answers a new one. When false the refresh token is
    /// reusable and refresh answers carry no <c>refresh_token</c> (Google's shape). Default true.
    /// </summary>
    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>Make every refresh fail this way until set back to <see cref="RefreshFailure.None"/>.</summary>
    public RefreshFailure RefreshFailure { get; set; }

    /// <summary>How long an authorization code (and an unanswered consent page) stays usable. Default ten minutes.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Separator of the <c>scope</c> parameter and of granted scopes. Default a space.</summary>
    public string ScopeSeparator { get; set; } = " ";

    /// <summary>More fields of every token answer, as JSON (Salesforce's <c>instance_url</c>, say). Default none.</summary>
    public IReadOnlyDictionary<string, string> ExtraTokenFieldsJson { get; set; } = new Dictionary<string, string>();

    /// <summary>More query parameters of the redirect back after an approval (a provider's <c>shop</c>, say). Default none.</summary>
    public IReadOnlyDictionary<string, string> ExtraCallbackParameters { get; set; } = new Dictionary<string, string>();

    /// <summary>Token requests that reached the token endpoint, by <c>grant_type</c> (requests answered by an injected fault are only in <see cref="FakeApi.Requests"/>).</summary>
    public IReadOnlyDictionary<string, int> TokenRequestCounts => new Dictionary<string, int>(_tokenRequests, StringComparer.Ordinal);

    internal TokenStore Tokens { get; }

    internal AuthorizationCodes Codes { get; }

    /// <summary>How many token requests with this <c>grant_type</c> reached the token endpoint.</summary>
    public int TokenRequestCount(string grantType) => _tokenRequests.TryGetValue(grantType, out var count) ? count : 0;

    /// <summary>Sets every token-request counter back to zero.</summary>
    public void ResetTokenRequestCounts() => _tokenRequests.Clear();

    /// <summary>Registers (or replaces) a client.</summary>
    public void RegisterClient(FakeOAuthClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _clients[client.ClientId] = client;
    }

    /// <summary>
    /// Issues tokens directly, as if a flow had run: for tests that import a connection or call the fake APIs
    /// without the redirect dance.
    /// </summary>
    /// <param name="clientId">The client they belong to (default <see cref="DefaultClient"/>).</param>
    /// <param name="scope">The granted scope.</param>
    /// <param name="lifetime">The access token's lifetime (default <see cref="AccessTokenLifetime"/>).</param>
    /// <param name="withRefreshToken">Whether a refresh token comes with it.</param>
    public FakeTokenSet IssueTokens(string? clientId = null, string scope = "", TimeSpan? lifetime = null, bool withRefreshToken = true)
    {
        clientId ??= DefaultClient.ClientId;
        if (FindClient(clientId) is null)
        {
            throw new ArgumentException($"No client '{clientId}' is registered.", nameof(clientId));
        }

        return Tokens.Issue(clientId, scope, lifetime ?? AccessTokenLifetime, withRefreshToken);
    }

    /// <summary>
    /// Every access and refresh token this server issued (flows, refreshes, <see cref="IssueTokens"/>), live or not:
    /// what a test greps logs and answers for.
    /// </summary>
    public IReadOnlyList<string> IssuedTokens => Tokens.Issued;

    /// <summary>Whether the fake APIs accept this access token now.</summary>
    public bool IsAccessTokenValid(string accessToken) => Tokens.Check(accessToken, out _) == TokenCheck.Valid;

    /// <summary>Whether this refresh token can still be used.</summary>
    public bool IsRefreshTokenValid(string refreshToken) => Tokens.IsLiveRefreshToken(refreshToken);

    /// <summary>Makes one access token expire now: the APIs answer 401 "expired" from here on.</summary>
    /// <returns>False when the token is unknown.</returns>
    public bool ExpireAccessToken(string accessToken) => Tokens.ExpireAccessToken(accessToken);

    /// <summary>Makes every access token issued so far expire now.</summary>
    /// <returns>How many tokens were expired.</returns>
    public int ExpireAllAccessTokens() => Tokens.ExpireAllAccessTokens();

    /// <summary>Revokes an access or refresh token: it becomes unknown (401 at the APIs, <c>invalid_grant</c> on refresh).</summary>
    /// <returns>False when the token is unknown.</returns>
    public bool Revoke(string token) => Tokens.Revoke(token);

    internal FakeOAuthClient? FindClient(string clientId) => _clients.TryGetValue(clientId, out var client) ? client : null;

    internal void CountTokenRequest(string grantType) => _tokenRequests.AddOrUpdate(grantType, 1, static (_, n) => n + 1);

    internal override void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix);
        group.MapGet("/authorize", context => AuthorizeEndpoints.ShowAsync(context, this)).WithName(FakeEndpoints.OAuthAuthorize);
        group.MapPost("/authorize", context => AuthorizeEndpoints.AnswerAsync(context, this)).WithName(FakeEndpoints.OAuthAuthorize + ".answer");
        group.MapPost("/token", context => TokenEndpoint.HandleAsync(context, this)).WithName(FakeEndpoints.OAuthToken);
    }

    internal override Task WriteFaultAsync(HttpContext context, Fault fault) =>
        FaultResponses.WriteAsync(context, fault, static (writer, f) =>
        {
            writer.WriteString("error", f.Kind == FaultKind.TooManyRequests ? "slow_down" : "server_error");
            writer.WriteString("error_description", "Injected fault.");
        });
}
