using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Sdk.Testing;

namespace Tributary.Sdk.Testing.Tests;

/// <summary>The recorder <c>dryrun --save-responses</c> uses: what it saves replays through <see cref="RecordedResponses"/>.</summary>
public sealed class ResponseRecorderTests : IDisposable
{
    private static readonly Uri LiveBase = new("http://127.0.0.1:4711/github/");

    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("tributary-recorder-").FullName, "fixtures");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Recorded_ReplaysOnAnotherBase_WithStatusBodyAndOriginFreeLinks_AndNoRequestHeaders()
    {
        var live = new StubProvider();
        using (var recording = new HttpClient(new ResponseRecorder(_folder, LiveBase) { InnerHandler = live }) { BaseAddress = LiveBase })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "repos/o/r/issues?page=1&since=2024-01-01T00%3A00%3A00Z");
            request.Headers.Add("X-Secret-Probe", "must-not-be-saved");
            using var first = await recording.SendAsync(request, Token);
            using var second = await recording.GetAsync(new Uri("notes.txt", UriKind.Relative), Token);
            Assert.Equal("[{\"id\":1}]", await first.Content.ReadAsStringAsync(Token)); // the function still gets the body
        }

        var replay = RecordedResponses.FromDirectory(_folder);
        var context = new TestSyncContext(["Issue"]) { HttpHandler = replay, HttpBaseAddress = new Uri("https://api.github.test/") };
        using var replayed = await context.Http.GetAsync(new Uri("repos/o/r/issues?page=1&since=2024-01-01T00%3A00%3A00Z", UriKind.Relative), Token);
        using var text = await context.Http.GetAsync(new Uri("notes.txt", UriKind.Relative), Token);

        Assert.Equal(
            ["0001-get-repos-o-r-issues.json", "0002-get-notes-txt.json"],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(1, (int)JsonNode.Parse(await replayed.Content.ReadAsStringAsync(Token))![0]!["id"]!);
        Assert.Equal("</github/repos/o/r/issues?page=2>; rel=\"next\"", Assert.Single(replayed.Headers.GetValues("Link")));
        Assert.Equal(HttpStatusCode.Accepted, text.StatusCode);
        Assert.Equal("plain words", await text.Content.ReadAsStringAsync(Token));
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => File.ReadAllText(f).Contains("must-not-be-saved", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => File.ReadAllText(f).Contains("Set-Cookie", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    /// <summary>Answers the issues page as JSON with an absolute Link and a cookie, anything else as text.</summary>
    private sealed class StubProvider : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/issues", StringComparison.Ordinal))
            {
                var json = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[{\"id\":1}]", Encoding.UTF8, "application/json") };
                json.Headers.TryAddWithoutValidation("Link", "<http://127.0.0.1:4711/github/repos/o/r/issues?page=2>; rel=\"next\"");
                json.Headers.TryAddWithoutValidation("Set-Cookie", "session=abc");
                return Task.FromResult(json);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("plain words", Encoding.UTF8, "text/plain") });
        }
    }
}
