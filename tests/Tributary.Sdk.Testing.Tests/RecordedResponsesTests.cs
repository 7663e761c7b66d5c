using System.Net;
using System.Text.Json.Nodes;
using Tributary.Sdk.Testing;

namespace Tributary.Sdk.Testing.Tests;

/// <summary>The replayer of recorded provider responses that a function's unit test plugs into the test context.</summary>
public sealed class RecordedResponsesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tributary-recorded-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FromDirectory_AnswersEachRecordedRequestRelativeToTheBaseUrl_WithStatusHeadersAndBody()
    {
        File.WriteAllText(Path.Combine(_folder, "page-1.json"), """
            {"request": {"method": "GET", "url": "items?offset=0&limit=2"},
             "response": {"status": 200, "headers": {"Content-Type": "application/json", "X-Total": "3"}, "body": {"items": [{"id": 1}, {"id": 2}]}}}
            """);
        File.WriteAllText(Path.Combine(_folder, "page-2.json"), """
            {"request": {"method": "GET", "url": "items?offset=2&limit=2"}, "response": {"status": 429, "body": {"error": "slow down"}}}
            """);
        var replay = RecordedResponses.FromDirectory(_folder);
        var context = new TestSyncContext(["Item"]) { HttpHandler = replay, HttpBaseAddress = new Uri("https://provider.example/api/") };

        using var first = await context.Http.GetAsync(new Uri("items?offset=0&limit=2", UriKind.Relative), Token);
        using var second = await context.Http.GetAsync(new Uri("items?offset=2&limit=2", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("3", Assert.Single(first.Headers.GetValues("X-Total")));
        Assert.Equal(2, JsonNode.Parse(await first.Content.ReadAsStringAsync(Token))!["items"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(["GET /api/items?offset=0&limit=2", "GET /api/items?offset=2&limit=2"], replay.Requests);
    }

    [Fact]
    public async Task ARequestNothingMatches_FailsNamingTheRequest()
    {
        var replay = new RecordedResponses().Add("GET", "items?offset=0", 200, new JsonObject());
        var context = new TestSyncContext(["Item"]) { HttpHandler = replay, HttpBaseAddress = new Uri("https://provider.example/") };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Http.GetAsync(new Uri("items?offset=5", UriKind.Relative), Token));

        Assert.Contains("No recorded response for GET /items?offset=5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDirectory_AFileThatIsNotARecording_FailsNamingTheFile()
    {
        var file = Path.Combine(_folder, "broken.json");
        File.WriteAllText(file, """{"response": {"status": 200}}""");

        var error = Assert.Throws<InvalidDataException>(() => RecordedResponses.FromDirectory(_folder));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
