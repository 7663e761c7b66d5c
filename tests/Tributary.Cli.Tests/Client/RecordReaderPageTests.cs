using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli.Tests.Client;

/// <summary>
/// The reader's page bytes against a scripted server: pages far larger than the reader's first buffer, then a small
/// one read into the same (grown) buffer, arrive whole and in order, and a record kept past its page stays intact.
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

    private static string Id(int i) => $"rec-{i:D5}";

    private static string Filler(int i) => new((char)('a' + (i % 26)), 2000);

    private static string Page(int from, int count, string? next)
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

        return new JsonObject { ["records"] = records, ["next_cursor"] = next }.ToJsonString();
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
