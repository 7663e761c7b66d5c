using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.FakeProviders;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.ProviderProcessKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// No secret in anything Tributary writes or answers (issue 10): a full provider flow through a real
/// <c>tributary serve</c> — connect session, OAuth dance, a sync whose token is refreshed mid-run (its function logs
/// the Authorization header), a proxy call, a forced refresh, a failing refresh, a delete — and then the process's
/// stdout and stderr, every run log and every API answer (the connection's own credentials left out) are searched for
/// every token the fake issued, the client secret, the connect session token, the secret key and the encryption key.
/// </summary>
public sealed class SecretsInOutputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FullProviderFlow_LeavesNoSecret_InProcessOutputRunLogsOrAnswers(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        fakes.OAuth.AutoApprove = true;
        var directory = Directory.CreateTempSubdirectory("tributary-secrets-").FullName;
        var config = await WriteConfigAsync(directory, fakes);
        var databaseUrl = dialect == TestDialect.Postgres ? await TestPostgres.CreateDatabaseAsync(Token) : null;
        var key = Guid.NewGuid().ToString();
        var encryptionKey = NewEncryptionKey();
        await using var server = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, databaseUrl, Environment(encryptionKey), Token);
        using var client = new TributaryClient(server.BaseUrl, key);
        var api = new Answers(server.BaseUrl, key);

        // Connect: a session, then the redirect dance with the fake (auto-approved) ending on the success page.
        // The one answer that must carry the session token is the one that issues it: not searched.
        var created = await client.SendAsync(HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "end-user-1" } }, null, Token);
        var session = (string)created!["data"]!["token"]!;
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true, CookieContainer = new CookieContainer() }))
        {
            var page = await browser.GetAsync(new Uri(server.BaseUrl, $"oauth/connect/{Integration}?connect_session_token={session}"), Token);
            var html = await page.Content.ReadAsStringAsync(Token);
            api.Record(html);
            Assert.Contains("data-result=\"success\"", html, StringComparison.Ordinal);
        }

        var connectionId = (string)JsonNode.Parse(await api.SendAsync(HttpMethod.Get, "connections", null))!["connections"]![0]!["connection_id"]!;
        await api.SendAsync(
            HttpMethod.Patch,
            "connections/metadata",
            new JsonObject { ["provider_config_key"] = Integration, ["connection_id"] = connectionId, ["metadata"] = new JsonObject { ["calls"] = 3, ["pause_ms"] = 1500 } });

        // A sync whose token the fake expires after its first call: the second call gets 401, refreshes, and retries.
        fakes.OAuth.ResetTokenRequestCounts();
        var midRun = await TriggerAsync(api);
        var firstCall = await Eventually.ValueAsync(
            _ => Task.FromResult(fakes.GitHub.Requests.Entries is { Count: > 0 } entries ? entries[0] : null),
            request => request is not null,
            TimeSpan.FromSeconds(60),
            "the probe's first call at the fake GitHub",
            Token,
            TimeSpan.FromMilliseconds(20));
        Assert.True(fakes.OAuth.ExpireAccessToken(firstCall!.Header("authorization")!["Bearer ".Length..]));
        var run = await WaitForRunAsync(client, midRun);
        Assert.True((string?)run["state"] == "succeeded", (string?)run["error"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var midRunLog = await RunLogAsync(client, midRun);
        Assert.Equal(3, CountOf(midRunLog, "with Authorization: Bearer [redacted]"));

        // The proxy, a forced refresh (its answer is the connection's own credentials: not searched), then a refresh
        // the provider refuses, seen by the API and by a run.
        using (var proxy = new HttpRequestMessage(HttpMethod.Get, "proxy/repos/octo-org/octo-repo/issues?state=all&per_page=2"))
        {
            proxy.Headers.Add("Provider-Config-Key", Integration);
            proxy.Headers.Add("Connection-Id", connectionId);
            Assert.Equal(HttpStatusCode.OK, await api.SendAsync(proxy));
        }

        fakes.OAuth.AccessTokenLifetime = TimeSpan.FromSeconds(1);
        await api.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key={Integration}&force_refresh=true", null, ownCredentials: true);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        var refused = await api.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key={Integration}&force_refresh=true", null, ownCredentials: true);
        Assert.Contains("invalid_grant", refused, StringComparison.Ordinal);
        var failing = await TriggerAsync(api);
        var failed = await WaitForRunAsync(client, failing);
        Assert.Equal("failed", (string?)failed["state"]);
        Assert.Contains("invalid_grant", (string?)failed["error"], StringComparison.Ordinal);
        await api.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key={Integration}", null, ownCredentials: true);
        await api.SendAsync(HttpMethod.Get, "runs?limit=100", null);
        await api.SendAsync(HttpMethod.Get, $"runs/{failing}", null);
        var failedLog = await RunLogAsync(client, failing); // before the delete, which takes the runs with it
        await api.SendAsync(HttpMethod.Delete, $"connections/{connectionId}?provider_config_key={Integration}", null);
        await api.SendAsync(HttpMethod.Get, "connections", null);

        var secrets = fakes.OAuth.IssuedTokens
            .Concat([FakeOAuthServer.DefaultClient.ClientSecret!, session, key, encryptionKey])
            .ToList();
        // Three pairs: the code exchange, the mid-run refresh, the forced refresh (the refused one issued none).
        Assert.Equal(6, fakes.OAuth.IssuedTokens.Count);
        var searched = new Dictionary<string, string>
        {
            ["process output"] = server.Output,
            [$"log of run {midRun}"] = midRunLog,
            [$"log of run {failing}"] = failedLog,
            ["API answers"] = api.Text,
        };
        foreach (var (where, text) in searched)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contains a secret ({secret[..Math.Min(8, secret.Length)]}…):\n{text}");
            }
        }

        Directory.Delete(directory, recursive: true);
    }

    private static async Task<string> TriggerAsync(Answers api)
    {
        var answer = JsonNode.Parse(await api.SendAsync(
            HttpMethod.Post,
            "sync/trigger",
            new JsonObject { ["provider_config_key"] = Integration, ["syncs"] = new JsonArray(Sync) }))!;
        return (string)answer["runs"]![0]!["run_id"]!;
    }

    private static async Task<JsonNode> WaitForRunAsync(TributaryClient client, string runId) =>
        (await Eventually.ValueAsync(
            token => client.GetRunAsync(runId, token),
            TestServer.IsFinal,
            TimeSpan.FromSeconds(60),
            $"run {runId} to reach a final state",
            Token,
            TimeSpan.FromMilliseconds(100)))!;

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Raw API calls whose answers are kept, as sent, for the search (not re-serialized, so nothing is escaped away).</summary>
    private sealed class Answers(Uri baseUrl, string secretKey)
    {
        private readonly StringBuilder _text = new();

        public string Text => _text.ToString();

        public void Record(string answer) => _text.AppendLine(answer);

        /// <param name="ownCredentials">The answer is a connection with its credentials: kept without them (they are allowed there).</param>
        public async Task<string> SendAsync(HttpMethod method, string path, JsonNode? body, bool ownCredentials = false)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            var (_, text) = await SendCoreAsync(request);
            if (ownCredentials && JsonNode.Parse(text) is JsonObject connection && connection.ContainsKey("credentials"))
            {
                connection.Remove("credentials");
                Record(connection.ToJsonString());
            }
            else
            {
                Record(text);
            }

            return text;
        }

        public async Task<HttpStatusCode> SendAsync(HttpRequestMessage request)
        {
            var (status, text) = await SendCoreAsync(request);
            Record(text);
            return status;
        }

        private async Task<(HttpStatusCode Status, string Text)> SendCoreAsync(HttpRequestMessage request)
        {
            using var http = new HttpClient { BaseAddress = baseUrl };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
            using var response = await http.SendAsync(request, Token);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
        }
    }
}
