using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Authoring.Tests;

/// <summary>
/// The path a new user takes, automated: the packages packed into a folder feed, a project created from the template,
/// built and tested, started with <c>dotnet run -- serve</c>, a connection to an API-key fake, the example sync
/// triggered and its records read through <c>GET /records</c>.
/// </summary>
[Trait("Category", "Authoring")]
public sealed class NewUserPathTests : IDisposable
{
    private const string SecretKey = "9a7b3c1d-2e4f-4a6b-8c0d-1e2f3a4b5c6d";
    private const string ApiKey = "example-api-key-7f3e";
    private const int Contacts = 250;

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(4);
    private static readonly string[] PackedProjects =
    [
        "src/Tributary.Sdk/Tributary.Sdk.csproj",
        "src/Tributary.Sdk.Testing/Tributary.Sdk.Testing.csproj",
        "src/Tributary.Hosting/Tributary.Hosting.csproj",
        "templates/Tributary.Templates/Tributary.Templates.csproj",
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("tributary-new-user-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    [Fact]
    public async Task ATemplateProject_BuildsPassesItsTests_ServesAndSyncsTheExampleIntoRecords()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        var hive = Path.Combine(_work, "template-hive");
        var project = Path.Combine(_work, "Acme.Syncs");

        // 1. Pack into a local folder feed (already built by the solution build: --no-build keeps this quick).
        foreach (var packed in PackedProjects)
        {
            // `dotnet pack` defaults to Release; pack the configuration this test itself was built in, which the
            // solution build just produced.
            await Dotnet.RunAsync(RepositoryRoot.Path, Step, Token, "pack", packed, "--no-build", "--no-restore", "-c", BuildConfiguration, "-o", feed);
        }

        // 2. Install the template from the feed into a private hive and create a project, as `dotnet new` users do.
        var template = Directory.GetFiles(feed, "Tributary.Templates.*.nupkg").Single();
        await Dotnet.RunAsync(_work, Step, Token, "new", "install", template, "--debug:custom-hive", hive);
        await Dotnet.RunAsync(_work, Step, Token, "new", "tributary", "-n", "Acme.Syncs", "-o", project, "--debug:custom-hive", hive);
        WriteNuGetConfig(project, feed);

        // 3. It builds and its tests pass as created.
        var tested = await Dotnet.RunAsync(project, Step, Token, "test");
        Assert.Contains("Passed!", tested, StringComparison.Ordinal);

        // 4. Point the example integration at a loopback fake of its API and start the project's own server.
        await using var api = await FakeContactsApi.StartAsync(ApiKey, Contacts, Token);
        var yamlPath = Path.Combine(project, "tributary.yaml");
        File.WriteAllText(yamlPath, File.ReadAllText(yamlPath).Replace("https://api.example.com/", api.BaseUrl.ToString(), StringComparison.Ordinal));
        var port = TestServer.FreePort();
        using var server = Dotnet.Start(
            project,
            ["run", "--no-build", "--project", "src/Acme.Syncs", "--", "serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", Path.Combine(_work, "data")],
            new Dictionary<string, string> { ["TRIBUTARY_SECRET_KEY"] = SecretKey },
            out var serverOutput);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
            await Eventually.TrueAsync(
                async token =>
                {
                    Assert.False(server.HasExited, $"serve exited:\n{Dotnet.Text(serverOutput)}");
                    try
                    {
                        using var health = await http.GetAsync(new Uri("health", UriKind.Relative), token);
                        return health.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "the template project's server to answer /health",
                Token);

            // 5. A connection with an API key, the example sync triggered, the records read.
            await PostAsync(http, "connections", new JsonObject
            {
                ["provider_config_key"] = "example-api",
                ["connection_id"] = "acme",
                ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = ApiKey },
            });
            await PostAsync(http, "sync/trigger", new JsonObject
            {
                ["provider_config_key"] = "example-api",
                ["connection_id"] = "acme",
                ["syncs"] = new JsonArray("contacts"),
            });
            var records = await Eventually.ValueAsync(
                async token => await ReadRecordsAsync(http, token),
                r => r.Count == Contacts,
                TimeSpan.FromSeconds(60),
                $"{Contacts} Contact records through GET /records",
                Token);

            Assert.Equal(Enumerable.Range(1, Contacts).Select(n => n.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), records.Select(r => (string)r["id"]!).Order(StringComparer.Ordinal));
            Assert.Equal("Person 7", (string?)records.Single(r => (string?)r["id"] == "7")["name"]);

            // The connection's auto-start and the trigger make one run, or two when the worker claimed the first before
            // the trigger arrived (the trigger then queues a follow-up): every run, once all have ended, read the
            // example API's three pages.
            var ended = await Eventually.ValueAsync(
                async token => await RunStatesAsync(http, token),
                states => states.Count > 0 && states.All(s => s is "succeeded" or "failed" or "cancelled"),
                TimeSpan.FromSeconds(60),
                "the connection's runs to end",
                Token);
            Assert.All(ended, state => Assert.Equal("succeeded", state));
            Assert.Equal(3 * ended.Count, api.Requests);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// The feed with the packages just packed, the machine's own sources for everything else, and a private packages
    /// folder (so a stale copy of this version from an earlier run is never used) that falls back on the machine's.
    /// </summary>
    private static void WriteNuGetConfig(string project, string feed)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(project, "..", "packages")}" />
              </config>
              <packageSources>
                <add key="tributary-local" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    private static async Task PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Token);
        Assert.True(response.IsSuccessStatusCode, $"POST /{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}");
    }

    private static async Task<List<string>> RunStatesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("runs?connection_id=acme", UriKind.Relative), cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["runs"] is JsonArray runs ? [.. runs.Select(r => (string)r!["state"]!)] : [];
    }

    private static async Task<List<JsonNode>> ReadRecordsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("records?model=Contact&limit=1000", UriKind.Relative));
        request.Headers.Add("Connection-Id", "acme");
        request.Headers.Add("Provider-Config-Key", "example-api");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["records"] is JsonArray records ? [.. records.Select(r => r!)] : [];
    }
}
