using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core;
using Tributary.Core.Domain;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>Token refresh end to end over HTTP against the fake OAuth server and GitHub-like API, on both databases.</summary>
public sealed class TokenRefreshTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task TokenExpiringMidRun_IsRefreshedOnce_AndTheRunFinishes(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 230 }, Token);
        var logs = new CapturedLogs();
        await using var server = await StartAsync(dialect, fakes, logs: logs);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "mid-run", tokens, TimeProvider.System.GetUtcNow().AddHours(1));
        GitHubIssuesTestFunction.AfterFirstPage["mid-run"] = () => fakes.OAuth.ExpireAccessToken(tokens.AccessToken);

        var run = await server.WaitForRunAsync(await server.TriggerAsync("mid-run", "issues", Token, integration: "gh"), Token);

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var records = await server.Client.RecordsAsync("gh", "mid-run", "Issue", null, 1000, Token);
        Assert.Equal(230, records!["records"]!.AsArray().Count);

        // The rotated refresh token was stored: the one read back is live, its predecessor is not.
        var connection = await GetConnectionAsync(server, "mid-run", "&refresh_token=true");
        var stored = (string)connection["credentials"]!["refresh_token"]!;
        Assert.NotEqual(tokens.RefreshToken, stored);
        Assert.True(fakes.OAuth.IsRefreshTokenValid(stored));
        Assert.False(fakes.OAuth.IsRefreshTokenValid(tokens.RefreshToken!));
        Assert.Empty(connection["errors"]!.AsArray());

        // No token or client secret in any log line of the flow.
        Assert.Contains("Refreshed the credentials of connection mid-run", logs.Text, StringComparison.Ordinal);
        var secrets = new[] { tokens.AccessToken, tokens.RefreshToken!, stored, (string)connection["credentials"]!["access_token"]!, FakeOAuthServer.DefaultClient.ClientSecret! };
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, logs.Text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FailingRefresh_MarksTheConnectionAndFailsTheRun_AndTheNextSuccessClearsIt(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 10 }, Token);
        await using var server = await StartAsync(dialect, fakes);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "failing", tokens, TimeProvider.System.GetUtcNow().AddMinutes(-1));
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;

        var run = await server.WaitForRunAsync(await server.TriggerAsync("failing", "issues", Token, integration: "gh"), Token);

        Assert.Equal("failed", (string?)run["state"]);
        var error = (string)run["error"]!;
        Assert.Contains("400", error, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, error, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-client-secret", error, StringComparison.Ordinal);
        var marked = await GetConnectionAsync(server, "failing", "");
        var entry = Assert.Single(marked["errors"]!.AsArray())!;
        Assert.Equal("auth", (string?)entry["type"]);
        Assert.Contains("invalid_grant", (string)entry["message"]!, StringComparison.Ordinal);
        Assert.Equal(tokens.AccessToken, (string?)marked["credentials"]!["access_token"]); // still usable for a retry
        // The list shows the same error, as Nango's lists a connection's active errors.
        var listed = await server.Client.SendAsync(HttpMethod.Get, "connections?connectionId=failing", null, null, Token);
        Assert.Equal(entry.ToJsonString(), Assert.Single(Assert.Single(listed!["connections"]!.AsArray())!["errors"]!.AsArray())!.ToJsonString());

        // Within the cooldown a run fails fast without asking the provider again.
        var before = fakes.OAuth.TokenRequestCount("refresh_token");
        var second = await server.WaitForRunAsync(await server.TriggerAsync("failing", "issues", Token, integration: "gh"), Token);
        Assert.Equal("failed", (string?)second["state"]);
        Assert.Equal(before, fakes.OAuth.TokenRequestCount("refresh_token"));

        // A forced refresh the provider refuses is Nango's 400 invalid_credentials with its fixed message, and the
        // payload is only the connection, its credentials empty; what the provider said is in its errors.
        var forced = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => GetConnectionAsync(server, "failing", "&force_refresh=true"));
        Assert.Equal((400, "invalid_credentials"), (forced.Status, forced.Code));
        var refusal = JsonNode.Parse(forced.Body)!["error"]!;
        Assert.Equal("The external API returned an error when trying to refresh the access token. Please try again later.", (string?)refusal["message"]);
        var payload = refusal["payload"]!.AsObject();
        Assert.Equal(["connection"], payload.Select(p => p.Key));
        Assert.Equal("failing", (string?)payload["connection"]!["connection_id"]);
        Assert.Contains("invalid_grant", (string?)Assert.Single(payload["connection"]!["errors"]!.AsArray())!["message"], StringComparison.Ordinal);
        Assert.Empty(payload["connection"]!["credentials"]!.AsObject());
        Assert.DoesNotContain(tokens.AccessToken, forced.Body, StringComparison.Ordinal);

        fakes.OAuth.RefreshFailure = RefreshFailure.None;
        var refreshed = await GetConnectionAsync(server, "failing", "&force_refresh=true");

        Assert.Empty(refreshed["errors"]!.AsArray());
        Assert.NotEqual(tokens.AccessToken, (string?)refreshed["credentials"]!["access_token"]);
        Assert.Null(refreshed["credentials"]!["refresh_token"]);
        var third = await server.WaitForRunAsync(await server.TriggerAsync("failing", "issues", Token, integration: "gh"), Token);
        Assert.Equal("succeeded", (string?)third["state"]);
    }

    /// <summary>
    /// The race two worker processes hit under load: a caller reads expired credentials, another process's refresh
    /// fails and releases the lease, the caller then takes it. Its double check finds the cooldown that failure
    /// started; that is the other process's failure, already counted once, not a second one.
    /// </summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AFailureAnotherProcessRecords_BetweenAReadAndTheLease_FailsTheRunFast_AndIsCountedOnce(TestDialect dialect)
    {
        await using var setup = await ExpiredConnectionAsync(dialect, "raced");
        var (fakes, server, store, tokens) = (setup.Fakes, setup.Server, setup.Store, setup.Imported);
        const string failure = "invalid_grant (recorded by the other process)";
        store.BeforeNextLease(async (real, connection, _) =>
        {
            var read = await real.GetAsync(connection, Token);
            await real.RecordFailureAsync(connection, "refresh-other-process", read!.Refresh.LastSuccess, failure, Micros.Now(TimeProvider.System), [], Token);
        });

        var run = await server.WaitForRunAsync(await server.TriggerAsync("raced", "issues", Token, integration: "gh"), Token);

        Assert.Equal(1, store.Fired);
        Assert.Equal("failed", (string?)run["state"]);
        Assert.Contains($"failed less than 30 s ago: {failure}", (string?)run["error"], StringComparison.Ordinal);
        Assert.Equal(0, fakes.OAuth.TokenRequestCount("refresh_token"));
        var marked = await GetConnectionAsync(server, "raced", "");
        var error = Assert.Single(marked["errors"]!.AsArray())!;
        Assert.Equal(1, (int)error["attempts"]!);
        Assert.Equal(failure, (string?)error["message"]);
        Assert.Equal(tokens.AccessToken, (string?)marked["credentials"]!["access_token"]);
    }

    /// <summary>
    /// A run cancelled after the provider answered its refresh but before the answer was stored: the provider has
    /// already revoked the old refresh token (it rotates them), so the new tokens must be stored all the same.
    /// </summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ARunCancelledWhileItsRefreshIsAnswered_StillStoresTheRotatedTokens(TestDialect dialect)
    {
        await using var setup = await ExpiredConnectionAsync(dialect, "cancelled");
        var (fakes, server, store, tokens) = (setup.Fakes, setup.Server, setup.Store, setup.Imported);
        var runId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeNextSaveRefreshed(async (_, _, saveToken) =>
        {
            // The cancel lands between the provider's answer and the save; the save then runs with whatever token
            // the refresh gave it, once that token has seen the cancel (if it can see one at all).
            await server.Client.SendAsync(HttpMethod.Post, $"runs/{await runId.Task.WaitAsync(Token)}/cancel", null, null, Token);
            if (saveToken.CanBeCanceled)
            {
                await Eventually.TrueAsync(_ => Task.FromResult(saveToken.IsCancellationRequested), TimeSpan.FromSeconds(10), "the run's token to be cancelled", Token);
            }
        });

        var triggered = await server.TriggerAsync("cancelled", "issues", Token, integration: "gh");
        runId.SetResult(triggered);
        var run = await server.WaitForRunAsync(triggered, Token);

        // The cancel made the run "cancelled" at once; the refresh goes on to its save after that.
        Assert.True(await store.FirstSaveRefreshed.WaitAsync(TimeSpan.FromSeconds(30), Token), "the refresh's save was refused");
        Assert.Equal(1, store.Fired);
        Assert.Equal("cancelled", (string?)run["state"]);
        Assert.False(fakes.OAuth.IsRefreshTokenValid(tokens.RefreshToken!)); // the provider rotated it on use
        var connection = await GetConnectionAsync(server, "cancelled", "&refresh_token=true");
        var stored = (string)connection["credentials"]!["refresh_token"]!;
        Assert.True(fakes.OAuth.IsRefreshTokenValid(stored), "the stored refresh token is the revoked one: the rotated tokens were lost");
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)connection["credentials"]!["access_token"]!));
        Assert.Empty(connection["errors"]!.AsArray());
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token")); // the run's; reading the connection needed none
    }

    /// <summary>
    /// The end user reconnects while a refresh of the old grant is out: the provider's answer (new tokens of the old
    /// grant) must not overwrite the reconnect's, and the run goes on with the reconnect's.
    /// </summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AReconnectDuringTheTokenRequest_KeepsTheReconnectsGrant(TestDialect dialect)
    {
        await using var setup = await ExpiredConnectionAsync(dialect, "reconnected");
        var (fakes, server, store) = (setup.Fakes, setup.Server, setup.Store);
        var reconnect = fakes.OAuth.IssueTokens();
        store.BeforeNextSaveRefreshed(ReconnectStep(server, reconnect));

        var run = await server.WaitForRunAsync(await server.TriggerAsync("reconnected", "issues", Token, integration: "gh"), Token);

        Assert.Equal(1, store.Fired);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.Equal("succeeded", (string?)run["state"]);
        var connection = await GetConnectionAsync(server, "reconnected", "&refresh_token=true");
        Assert.Equal(reconnect.AccessToken, (string?)connection["credentials"]!["access_token"]);
        Assert.Equal(reconnect.RefreshToken, (string?)connection["credentials"]!["refresh_token"]);
        Assert.Empty(connection["errors"]!.AsArray());
    }

    /// <summary>
    /// The end user reconnects because refreshing fails, while one more refresh of the old grant is being refused:
    /// that refusal is the old grant's, so the reconnected connection carries no error and the run uses the new grant.
    /// </summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AReconnectWhileTheOldGrantIsRefused_LeavesTheReconnectedConnectionWithoutAnError(TestDialect dialect)
    {
        await using var setup = await ExpiredConnectionAsync(dialect, "reconnected");
        var (fakes, server, store) = (setup.Fakes, setup.Server, setup.Store);
        var reconnect = fakes.OAuth.IssueTokens();
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        store.BeforeNextRecordFailure(ReconnectStep(server, reconnect));

        var run = await server.WaitForRunAsync(await server.TriggerAsync("reconnected", "issues", Token, integration: "gh"), Token);

        Assert.Equal(1, store.Fired);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.True((string?)run["state"] == "succeeded", (string?)run["error"]);
        var connection = await GetConnectionAsync(server, "reconnected", "");
        Assert.Empty(connection["errors"]!.AsArray());
        Assert.Equal(reconnect.AccessToken, (string?)connection["credentials"]!["access_token"]);
    }

    /// <summary>A server behind a credential-store interposer, with one connection whose token expired 5 minutes ago.</summary>
    private static async Task<InterposedServer> ExpiredConnectionAsync(TestDialect dialect, string connectionId)
    {
        var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 10 }, Token);
        var store = new CredentialStoreInterposer();
        var server = await StartAsync(dialect, fakes, store: store);
        var imported = fakes.OAuth.IssueTokens();
        await ImportAsync(server, connectionId, imported, TimeProvider.System.GetUtcNow().AddMinutes(-5));
        return new InterposedServer(fakes, server, store, imported);
    }

    private sealed record InterposedServer(FakeProviders.FakeProviders Fakes, TestServer Server, CredentialStoreInterposer Store, FakeTokenSet Imported)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Fakes.DisposeAsync();
        }
    }

    /// <summary>A reconnect's store write (what the connect flow's override does), made by the test inside the refresh.</summary>
    private static CredentialStoreInterposer.InterposedStep ReconnectStep(TestServer server, FakeTokenSet tokens) => async (real, connection, _) =>
    {
        var expiresAt = TimeProvider.System.GetUtcNow().AddHours(1);
        var credentials = new JsonObject
        {
            ["type"] = "OAUTH2",
            ["access_token"] = tokens.AccessToken,
            ["refresh_token"] = tokens.RefreshToken,
            ["expires_at"] = Micros.ToIsoString(Micros.From(expiresAt)),
        };
        var stored = await real.GetAsync(connection, Token);
        var protector = server.Services.GetRequiredService<Tributary.Core.Security.CredentialProtector>();
        await real.OverrideAsync(
            connection, stored!.ConnectionConfigJson, protector.Protect(credentials.ToJsonString()), Micros.From(expiresAt), Micros.Now(TimeProvider.System), Tributary.Core.Ports.ReconnectSessionFields.None, [], Token);
    };

    [Fact]
    public async Task HundredConcurrentReads_OnTwoServersSharingOnePostgresDatabase_CauseOneTokenRequest()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var first = await StartAsync(TestDialect.Postgres, fakes, encryptionKey: key);
        await using var second = await StartAsync(TestDialect.Postgres, fakes, first.DatabaseUrl, key, first.SecretKey);
        using var secondClient = new Tributary.Client.TributaryClient(second.BaseUrl, first.SecretKey);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(first, "shared", tokens, TimeProvider.System.GetUtcNow().AddMinutes(-5));

        var reads = Enumerable.Range(0, 100).Select(i => GetConnectionAsync(i % 2 == 0 ? first.Client : secondClient, "shared", "")).ToList();
        var answers = await Task.WhenAll(reads);

        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var fresh = Assert.Single(answers.Select(a => (string?)a["credentials"]!["access_token"]).Distinct());
        Assert.NotEqual(tokens.AccessToken, fresh);
        Assert.True(fakes.OAuth.IsAccessTokenValid(fresh!));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task IntegrationCredentials_ThroughTheApi_AreStoredEncryptedAndShownOnlyWhenIncluded(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        var body = new JsonObject
        {
            ["provider"] = "github",
            ["unique_key"] = "api-gh",
            ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "id-1", ["client_secret"] = "very-secret-value", ["scopes"] = "repo,read:org" },
        };

        var created = await server.Client.SendAsync(HttpMethod.Post, "integrations", body, null, Token);
        var plain = await server.Client.SendAsync(HttpMethod.Get, "integrations/api-gh", null, null, Token);
        var included = await server.Client.SendAsync(HttpMethod.Get, "integrations/api-gh?include=credentials", null, null, Token);

        Assert.Null(created!["data"]!["credentials"]);
        Assert.Null(plain!["data"]!["credentials"]);
        Assert.Equal("very-secret-value", (string?)included!["data"]!["credentials"]!["client_secret"]);
        Assert.Equal("repo,read:org", (string?)included["data"]!["credentials"]!["scopes"]);
        var bad = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Patch,
            "integrations/api-gh",
            new JsonObject { ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "x", ["client_secret"] = 42 } },
            null,
            Token));
        Assert.Equal(400, bad.Status);
        Assert.DoesNotContain("very-secret-value", bad.Body, StringComparison.Ordinal);
    }

    /// <summary>A template's <c>authorization_method: header</c>: the client authenticates with HTTP Basic only.</summary>
    [Fact]
    public async Task AuthorizationMethodHeader_SendsTheClientAsBasicAuth_ToAServerThatOnlyAcceptsThat()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        fakes.OAuth.ClientAuthentication = ClientAuthenticationMethod.Basic;
        await using var server = await StartAsync(TestDialect.Sqlite, fakes, authorizationMethod: "header");
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "basic-client", tokens, TimeProvider.System.GetUtcNow().AddHours(1));

        var refreshed = await GetConnectionAsync(server, "basic-client", "&force_refresh=true");

        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.NotEqual(tokens.AccessToken, (string)refreshed["credentials"]!["access_token"]!);
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)refreshed["credentials"]!["access_token"]!));
    }

    private static async Task<TestServer> StartAsync(
        TestDialect dialect,
        FakeProviders.FakeProviders fakes,
        string? databaseUrl = null,
        string? encryptionKey = null,
        string? secretKey = null,
        CapturedLogs? logs = null,
        CredentialStoreInterposer? store = null,
        string authorizationMethod = "body")
    {
        FakeOAuthApp.ExposeSecret();
        var config = $"""
            providers:
              fake-github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                authorization_method: {authorizationMethod}
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

                store?.Wrap(s);
            },
            databaseUrl: databaseUrl,
            options: o =>
            {
                o.EncryptionKey = encryptionKey;
                o.SecretKey = secretKey ?? o.SecretKey;
            });
    }

    private static Task<JsonNode?> ImportAsync(TestServer server, string connectionId, FakeTokenSet tokens, DateTimeOffset expiresAt) =>
        FakeOAuthApp.ImportAsync(server, "gh", connectionId, tokens, expiresAt, Token);

    private static Task<JsonNode> GetConnectionAsync(TestServer server, string connectionId, string query) =>
        GetConnectionAsync(server.Client, connectionId, query);

    private static async Task<JsonNode> GetConnectionAsync(Tributary.Client.TributaryClient client, string connectionId, string query) =>
        (await client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key=gh{query}", null, null, Token))!;
}
