using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli.Tests.Client;

/// <summary>
/// The reader's page bytes against a scripted server: pages far larger than the reader's first buffer, then a small
/// one read into the same (grown) buffer, arrive whole and in order, and a record kept past its page stays intact;
/// the next page is asked for from the page's tail before the page is parsed, and the parse has the last word.
/// </summary>
public sealed class RecordReaderPageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LargePagesThenASmallOne_ArriveWhole_AndAKeptRecordOutlivesTheReusedBuffer()
    {
        // 300 records of ~2 KB: a page of ~600 KB, many times the reader's first buffer; the last page is 2 records.
        var pages = new[] { Page(0, 300, "c1"), Page(300, 300, "c2"), Page(600, 2, null) };
        var handler = new PagesHandler(pages);
        using var client = new TributaryClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") });

        var reader = client.Records.Read(new RecordRequest("demo", "acme", "Deal") { Limit = 300 });
        var ids = new List<string>();
        JsonObject? first = null;
        await foreach (var record in reader.WithCancellation(Token))
        {
            first ??= record;
            ids.Add((string)record["id"]!);
            Assert.Equal(Filler(ids.Count - 1), (string)record["notes"]!);
        }

        Assert.Equal(Enumerable.Range(0, 602).Select(Id), ids);
        Assert.Equal(3, reader.Pages);
        Assert.Equal(["c1", "c2"], handler.Cursors.Skip(1));

        // Read after two more pages went through the same buffer: the record holds its own copy.
        Assert.Equal((Id(0), Filler(0)), ((string)first!["id"]!, (string)first["notes"]!));
    }

    [Fact]
    public async Task TheNextPage_IsAskedFor_BeforeThisPageIsParsed()
    {
        // Page 2's records do not parse, but its tail names page 3: the request for page 3 went out before the parse failed.
        var pages = new[] { Page(0, 3, "c1"), """{"records":[{"id":"rec-00003",],"next_cursor":"c2"}""", Page(6, 1, null) };
        var handler = new PagesHandler(pages);
        using var client = new TributaryClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") });

        var reader = client.Records.Read(new RecordRequest("demo", "acme", "Deal") { Limit = 3 });
        var ids = new List<string>();
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(async () =>
        {
            await foreach (var record in reader.WithCancellation(Token))
            {
                ids.Add((string)record["id"]!);
            }
        });

        Assert.Equal(Enumerable.Range(0, 3).Select(Id), ids);
        Assert.Equal([null, "c1", "c2"], handler.Cursors);
    }

    [Fact]
    public async Task PagesWhoseTailIsNotGuessed_AndAnEmptyPageWithACursor_AreReadAsTheParseSays()
    {
        // Page 1 names its cursor first (no guess: the reader waits for the parse); page 2's tail names c2 but page 2 is
        // empty, which ends the read: the page asked for on the guess is dropped and none of its records is handed out.
        var pages = new[]
        {
            new JsonObject { ["next_cursor"] = "c1", ["records"] = Records(0, 2) }.ToJsonString(),
            Page(2, 0, "c2"),
            Page(100, 5, null),
        };
        var handler = new PagesHandler(pages);
        using var client = new TributaryClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") });

        var reader = client.Records.Read(new RecordRequest("demo", "acme", "Deal") { Limit = 2 });
        var ids = new List<string>();
        await foreach (var record in reader.WithCancellation(Token))
        {
            ids.Add((string)record["id"]!);
        }

        Assert.Equal([Id(0), Id(1)], ids);
        Assert.Equal(2, reader.Pages);
        Assert.Equal([null, "c1", "c2"], handler.Cursors);
    }

    private static string Id(int i) => $"rec-{i:D5}";

    private static string Filler(int i) => new((char)('a' + (i % 26)), 2000);

    private static string Page(int from, int count, string? next) =>
        new JsonObject { ["records"] = Records(from, count), ["next_cursor"] = next }.ToJsonString();

    private static JsonArray Records(int from, int count)
    {
        var records = new JsonArray();
        for (var i = from; i < from + count; i++)
        {
            records.Add(new JsonObject
            {
                ["id"] = Id(i),
                ["notes"] = Filler(i),
                ["_nango_metadata"] = new JsonObject { ["cursor"] = $"cur-{i}" },
            });
        }

        return records;
    }

    /// <summary>Answers the n-th request with the n-th page, and keeps each request's cursor.</summary>
    private sealed class PagesHandler(string[] pages) : HttpMessageHandler
    {
        private int _calls;

        public List<string?> Cursors { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            lock (Cursors)
            {
                Cursors.Add(query["cursor"]);
            }

            var page = pages[Interlocked.Increment(ref _calls) - 1];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(page, Encoding.UTF8, "application/json"),
            });
        }
    }
}
