using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.FakeProviders;
using Tributary.Server.Tests.Providers;
using Tributary.TestFunctions;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// What the provider process tests share: real <c>tributary serve</c> processes whose <c>tributary.yaml</c> names the
/// fake OAuth server as a provider and loads <see cref="ProviderProbeSyncFunction"/> through <c>functions:</c>.
/// </summary>
internal static class ProviderProcessKit
{
    public const string Integration = "gh";
    public const string Sync = "probe";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The test functions built beside the test assembly (any artifacts path), as <see cref="ServerProcess.CliPath"/> finds the CLI.</summary>
    public static string FunctionsPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(testBin.Parent!.Parent!.FullName, "Tributary.TestFunctions", testBin.Name, "Tributary.TestFunctions.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The test functions were not built at {path}.");
        }
    }

    /// <summary>Writes tributary.yaml into <paramref name="directory"/>: the fake GitHub-like provider and its one probe sync.</summary>
    public static async Task<string> WriteConfigAsync(string directory, FakeProviders.FakeProviders fakes)
    {
        var config = $"""
            functions:
              - {FunctionsPath}
            providers:
              fake-github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
            integrations:
              {Integration}:
                provider: fake-github
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
                syncs:
                  {Sync}:
                    function: {ProviderProbeSyncFunction.Name}
                    models: [Probe]
                    frequency: every 1h
                    auto_start: false
            """;
        var path = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(path, config, Token);
        return path;
    }

    /// <summary>
    /// The environment every process of one test gets: one credentials key (processes sharing a database must share
    /// it) and the OAuth app's secret where <c>client_secret_env</c> reads it.
    /// </summary>
    public static Dictionary<string, string> Environment(string encryptionKey) => new()
    {
        ["TRIBUTARY_ENCRYPTION_KEY"] = encryptionKey,
        [FakeOAuthApp.SecretVariable] = FakeOAuthServer.DefaultClient.ClientSecret!,
    };

    public static string NewEncryptionKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>POST /connections</c> with the fake's tokens, expiring at <paramref name="expiresAt"/>.</summary>
    public static Task<JsonNode?> ImportAsync(TributaryClient client, string connectionId, FakeTokenSet tokens, DateTimeOffset expiresAt, JsonObject? metadata = null) =>
        client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = Integration,
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject
                {
                    ["type"] = "OAUTH2",
                    ["access_token"] = tokens.AccessToken,
                    ["refresh_token"] = tokens.RefreshToken,
                    ["expires_at"] = expiresAt.ToString("O", CultureInfo.InvariantCulture),
                },
                ["metadata"] = metadata ?? [],
            },
            Token);

    public static async Task<JsonNode> GetConnectionAsync(TributaryClient client, string connectionId, string query = "") =>
        (await client.SendAsync(HttpMethod.Get, $"connections/{connectionId}?provider_config_key={Integration}{query}", null, null, Token))!;

    /// <summary>Every line of a run's log, one per line of the answer, read page by page to the end.</summary>
    public static async Task<string> RunLogAsync(TributaryClient client, string runId)
    {
        var text = new StringBuilder();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var answer = (await client.RunLogsAsync(runId, cursor, 1000, follow: false, waitSeconds: null, Token))!;
            foreach (var line in answer["lines"]!.AsArray())
            {
                text.Append((string?)line!["level"]).Append(' ').Append((string?)line["source"]).Append(' ').AppendLine((string?)line["message"]);
            }

            if (!(bool)answer["has_more"]!)
            {
                return text.ToString();
            }

            cursor = (string?)answer["next_cursor"];
        }

        throw new InvalidOperationException($"The log of run {runId} has more than 100 pages.");
    }

    /// <summary>Waits until every run of a trigger's batch is final and returns them.</summary>
    public static async Task<JsonArray> WaitForBatchAsync(TributaryClient client, JsonNode trigger, int expected, TimeSpan within)
    {
        var batchId = (string?)trigger["batch_id"];
        return await Eventually.ValueAsync(
            async token => (await client.SendAsync(HttpMethod.Get, $"runs?batch_id={batchId}&limit=1000", null, null, token))!["runs"]!.AsArray(),
            batch => batch.Count == expected && batch.All(TestServer.IsFinal),
            within,
            $"all {expected} runs of batch {batchId} to reach a final state",
            Token,
            TimeSpan.FromMilliseconds(250));
    }
}
