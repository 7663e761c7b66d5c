using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.FakeProviders;
using Tributary.Server.Tests.Providers;
using Tributary.Testing;

namespace Tributary.Server.Tests.Declarative;

/// <summary>
/// The files of <c>samples/declarative/</c> as the tests run them: read from the repository (so a sample that stops
/// working fails a test), with two changes only — the provider's public base URL becomes the fake's, and
/// <c>auto_start: false</c> so that each run in a test is one the test triggered.
/// </summary>
internal static class DeclarativeSamples
{
    public static string Read(string file, string publicBaseUrl, Uri fakeBaseUrl)
    {
        var path = Path.Combine(RepositoryRoot(), "samples", "declarative", file);
        var text = File.ReadAllText(path);
        Assert.Contains($"base_url: {publicBaseUrl}", text, StringComparison.Ordinal);
        return text
            .Replace($"base_url: {publicBaseUrl}", $"base_url: {fakeBaseUrl}", StringComparison.Ordinal)
            .Replace("frequency: every", "auto_start: false\n        frequency: every", StringComparison.Ordinal);
    }

    public static Task<TestServer> StartAsync(TestDialect dialect, string config, CancellationToken cancellationToken) =>
        TestServer.StartAsync(dialect, cancellationToken, config);

    /// <summary><c>POST /connections</c> with the fake's OAuth tokens, valid for an hour, and <paramref name="metadata"/>.</summary>
    public static Task<JsonNode?> ImportOAuthAsync(TestServer server, string integration, string connectionId, FakeTokenSet tokens, JsonObject? metadata, CancellationToken cancellationToken) =>
        server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = integration,
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject
                {
                    ["type"] = "OAUTH2",
                    ["access_token"] = tokens.AccessToken,
                    ["refresh_token"] = tokens.RefreshToken,
                    ["expires_at"] = TimeProvider.System.GetUtcNow().AddHours(1).ToString("O", CultureInfo.InvariantCulture),
                },
                ["metadata"] = metadata ?? [],
            },
            cancellationToken);

    /// <summary>Every stored record of the model through <c>GET /records</c> (deleted ones included), keys sorted, by id.</summary>
    public static async Task<Dictionary<string, string>> StoredAsync(TestServer server, string integration, string connectionId, string model, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        string? cursor = null;
        for (var page = 0; page < 1_000; page++)
        {
            var answer = await server.Client.RecordsAsync(integration, connectionId, model, cursor, 1000, cancellationToken);
            foreach (var record in answer!["records"]!.AsArray().Select(r => (JsonObject)r!.DeepClone()))
            {
                var deleted = record["_nango_metadata"]?["deleted_at"] is not null;
                record.Remove("_nango_metadata");
                records[record["id"]!.ToString()] = (deleted ? "DELETED " : "") + Canonical(record);
            }

            cursor = (string?)answer["next_cursor"];
            if (cursor is null)
            {
                break;
            }
        }

        return records;
    }

    /// <summary>The object's JSON with its keys in ordinal order and <c>id</c> as a string, so two records compare as text.</summary>
    public static string Canonical(JsonObject record)
    {
        var canonical = new JsonObject();
        foreach (var name in record.Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            canonical[name] = name == "id" ? record[name]!.ToString() : record[name]?.DeepClone();
        }

        return canonical.ToJsonString();
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Tributary.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Tributary.slnx above {AppContext.BaseDirectory}.");
    }
}
