using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Authoring.Tests;

/// <summary>
/// The stock <c>tributary</c> binary runs functions it was not built with: <c>functions:</c> in tributary.yaml names
/// their assemblies; <c>deploy</c> refuses one that is missing or broken, or whose function does not match the sync.
/// </summary>
public sealed class FunctionAssemblyTests(OutsideFunctions outside) : IClassFixture<OutsideFunctions>, IDisposable
{
    private const string SecretKey = "3c5d7e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";

    private readonly string _folder = Directory.CreateTempSubdirectory("tributary-functions-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string ConfigPath => Path.Combine(_folder, "config", "tributary.yaml");

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task StockServe_LoadsAFunctionAssemblyBuiltOutsideTheRepository_AndSyncsIt()
    {
        // Relative to the yaml file, not to where the server starts.
        var relative = Path.GetRelativePath(Path.GetDirectoryName(ConfigPath)!, outside.AssemblyPath);
        WriteConfig(relative, "[Number]");

        await using var server = await ServerProcess.StartAsync(DataDir, ConfigPath, SecretKey, null, Token);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
        await PostAsync(http, "connections", new JsonObject
        {
            ["provider_config_key"] = "outside",
            ["connection_id"] = "c1",
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
            ["metadata"] = new JsonObject { ["count"] = 25 },
        });
        await PostAsync(http, "sync/trigger", new JsonObject
        {
            ["provider_config_key"] = "outside",
            ["connection_id"] = "c1",
            ["syncs"] = new JsonArray("numbers"),
        });
        var records = await Eventually.ValueAsync(
            token => ReadRecordsAsync(http, token),
            r => r.Count == 25,
            TimeSpan.FromSeconds(30),
            "25 Number records from the outside function",
            Token);

        Assert.Equal(144, (int)records.Single(r => (string?)r["id"] == "12")["square"]!);
    }

    [Fact]
    public async Task Deploy_AMissingFunctionAssembly_FailsNamingTheFileAndTheSync()
    {
        var missing = Path.Combine(_folder, "nowhere", "Gone.Syncs.dll");
        WriteConfig(missing, "[Number]");

        var (code, output) = await DeployAsync();

        Assert.Equal(2, code);
        Assert.Contains($"cannot load {missing}: file not found", output, StringComparison.Ordinal);
        Assert.Contains("sync 'numbers' of integration 'outside': no function named 'numbers'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ABrokenFunctionAssembly_FailsNamingTheFile()
    {
        var broken = Path.Combine(_folder, "Broken.Syncs.dll");
        File.WriteAllBytes(broken, [0x4D, 0x5A, 0x00, 0x01, 0x02, 0x03]);
        WriteConfig(broken, "[Number]");

        var (code, output) = await DeployAsync();

        Assert.Equal(2, code);
        Assert.Contains($"cannot load {broken}: not a .NET assembly", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ASyncListingAModelItsFunctionDoesNotSave_FailsNamingTheSyncAndTheFile()
    {
        WriteConfig(outside.AssemblyPath, "[Number, Letter]");

        var (code, output) = await DeployAsync();

        Assert.Equal(2, code);
        Assert.Contains($"sync 'numbers' of integration 'outside': function 'numbers' ({outside.AssemblyPath}) saves Number, not Letter", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_AValidFunctionAssembly_Deploys()
    {
        WriteConfig(outside.AssemblyPath, "[Number]");

        var (code, output) = await DeployAsync();

        Assert.True(code == 0, output);
        Assert.Contains($"Deployed {ConfigPath}.", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void WriteConfig(string assembly, string models)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, $"""
            functions:
              - {assembly}
            integrations:
              outside:
                provider: outside
                syncs:
                  numbers:
                    function: numbers
                    models: {models}
                    frequency: every 1h
                    auto_start: false
            """);
    }

    private Task<(int ExitCode, string Output)> DeployAsync() =>
        Dotnet.TryRunAsync(_folder, TimeSpan.FromMinutes(2), Token, ServerProcess.CliPath, "deploy", "--data-dir", DataDir, "--config", ConfigPath);

    private static async Task PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Token);
        Assert.True(response.IsSuccessStatusCode, $"POST /{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}");
    }

    private static async Task<List<JsonNode>> ReadRecordsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("records?model=Number&limit=1000", UriKind.Relative));
        request.Headers.Add("Connection-Id", "c1");
        request.Headers.Add("Provider-Config-Key", "outside");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body?["records"] is JsonArray records ? [.. records.Select(r => r!)] : [];
    }
}
