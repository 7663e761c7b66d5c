using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Services;
using Tributary.Server.Http;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// Keys: normalised, revocable everywhere within a second or two, rotated when the configured key changes; failed
/// authentication is cheap for the server and limited per client address.
/// </summary>
public sealed class ApiKeySecurityTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ConfiguredKey_WrittenUpperCase_AuthenticatesInEitherCase(TestDialect dialect)
    {
        var upper = ApiKeys.NewSecret().ToUpperInvariant();
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.SecretKey = upper);

        var asWritten = await GetAsync(server, upper);
        var lower = await GetAsync(server, upper.ToLowerInvariant());

        Assert.Equal((200, 200), (asWritten.Status, lower.Status));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task RevokedKey_OnOneServer_IsRefusedByAnotherServerOfTheDatabaseWithinTwoSeconds()
    {
        var (databaseUrl, configured, encryption) = await SharedSettingsAsync();
        await using var first = await StartOnAsync(databaseUrl, configured, encryption);
        await using var second = await StartOnAsync(databaseUrl, configured, encryption);
        var keys = first.Services.GetRequiredService<ApiKeyService>();
        var tenant = await keys.EnsureEnvironmentAsync("dev", Token);
        var secret = await keys.CreateAsync(tenant, "doomed", [ApiKeys.AllScopes], Token);
        Assert.Equal(200, (await GetAsync(second, secret)).Status);
        var id = (await keys.ListAsync(Token)).Single(k => k.Name == "doomed").Id;

        Assert.Equal(RevokeResult.Revoked, await keys.RevokeAsync(id, Token));
        var refusedAfter = await Eventually.ValueAsync(
            async token => (await ApiTestServer.SendRawAsync(second, HttpMethod.Get, "integrations", null, token, secretKey: secret)).Status,
            status => status == 401,
            TimeSpan.FromSeconds(2),
            "the other server to refuse the revoked key",
            Token);

        Assert.Equal(401, refusedAfter);
        Assert.Equal(401, (await GetAsync(first, secret)).Status);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task ConfiguredKey_Changed_RetiresThePreviousConfiguredKeyButNotCreatedKeys()
    {
        var (databaseUrl, oldKey, encryption) = await SharedSettingsAsync();
        await using var old = await StartOnAsync(databaseUrl, oldKey, encryption);
        var keys = old.Services.GetRequiredService<ApiKeyService>();
        var created = await keys.CreateAsync(await keys.EnsureEnvironmentAsync("dev", Token), "cli", [ApiKeys.AllScopes], Token);
        var newKey = ApiKeys.NewSecret();

        await using var rotated = await StartOnAsync(databaseUrl, newKey, encryption);
        var oldRefused = await Eventually.ValueAsync(
            async token => (await ApiTestServer.SendRawAsync(old, HttpMethod.Get, "integrations", null, token, secretKey: oldKey)).Status,
            status => status == 401,
            TimeSpan.FromSeconds(2),
            "the old server to refuse the previous configured key",
            Token);

        Assert.Equal(401, oldRefused);
        Assert.Equal(401, (await GetAsync(rotated, oldKey)).Status);
        Assert.Equal(200, (await GetAsync(old, newKey)).Status);
        Assert.Equal(200, (await GetAsync(rotated, created)).Status);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task UnknownKey_Repeated_IsLookedUpOnce(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var authentication = server.Services.GetRequiredService<ApiKeyAuthentication>();
        var unknown = ApiKeys.NewSecret();
        var before = authentication.Lookups;

        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((await GetAsync(server, unknown)).Status);
        }

        Assert.All(statuses, s => Assert.Equal(401, s));
        Assert.Equal(1, authentication.Lookups - before);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FailedAuthentications_OverThePerAddressLimit_Are429EvenWithAGoodKey(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var authentication = server.Services.GetRequiredService<ApiKeyAuthentication>();

        var failures = new List<int>();
        for (var i = 0; i < RateLimitMiddleware.FailedAuthenticationsPerMinute; i++)
        {
            failures.Add((await GetAsync(server, ApiKeys.NewSecret())).Status);
        }

        var lookups = authentication.Lookups;
        var guess = await GetAsync(server, ApiKeys.NewSecret());
        var good = await GetAsync(server, server.SecretKey);

        Assert.All(failures, s => Assert.Equal(401, s));
        Assert.Equal((429, 429), (guess.Status, good.Status));
        Assert.Equal(lookups, authentication.Lookups);
        Assert.Equal("too_many_request", (string?)guess.Json["error"]!["code"]);
        Assert.Equal("/integrations", (string?)guess.Json["error"]!["path"]);
        Assert.Contains("failed authentications", (string?)guess.Json["message"], StringComparison.Ordinal);
        Assert.True(int.Parse(guess.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.DoesNotContain(server.SecretKey, good.Body, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(string DatabaseUrl, string SecretKey, string EncryptionKey)> SharedSettingsAsync() =>
        (await TestPostgres.CreateDatabaseAsync(Token), ApiKeys.NewSecret(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>A server on a shared database: processes of one database share its encryption key.</summary>
    private static Task<TestServer> StartOnAsync(string databaseUrl, string secretKey, string encryptionKey) =>
        TestServer.StartAsync(
            TestDialect.Postgres,
            Token,
            engine: e => e.RunWorkers = false,
            databaseUrl: databaseUrl,
            options: o =>
            {
                o.SecretKey = secretKey;
                o.EncryptionKey = encryptionKey;
            });

    private static Task<RawResponse> GetAsync(TestServer server, string secretKey) =>
        ApiTestServer.SendRawAsync(server, HttpMethod.Get, "integrations", null, Token, secretKey: secretKey);
}
