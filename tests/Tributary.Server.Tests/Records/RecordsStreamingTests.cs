using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Records;

/// <summary>
/// <c>GET /records</c> writes rows as it reads them. The proof: the database read is held open after a few rows
/// (<see cref="GatedRecordStore"/>), and the client must receive those rows before the test lets the read go on.
/// A server that buffered the page would not send a byte until the read finished, so the test would time out.
/// This is also the memory bound: while the read is held the server holds only the rows since its last flush
/// (<c>RecordsStream.FlushBytes</c>), not the page. Timing-free, unlike a measure of allocated bytes, which
/// other tests running in the same process would disturb.
/// </summary>
public sealed class RecordsStreamingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_Limit10000_SendsTheFirstRowsBeforeTheDatabaseReadFinishes(TestDialect dialect)
    {
        GatedRecordStore? gate = null;
        await using var s = await RecordsServer.StartAsync(dialect, Token, services => gate = GatedRecordStore.Install(services, openRows: 150));
        await s.RunAsync(
            (c, ct) => c.BatchSaveAsync([.. Enumerable.Range(0, 300).Select(i => new JsonObject { ["id"] = $"t{i:D3}", ["title"] = new string('x', 500) })], "Ticket", ct),
            Token);

        using var http = new HttpClient { BaseAddress = s.Server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "records?model=Ticket&limit=10000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.Server.SecretKey);
        request.Headers.Add("Connection-Id", "acme");
        request.Headers.Add("Provider-Config-Key", "demo");

        using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        headersTimeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(Token);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\"id\":\"t000\"", StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, headersTimeout.Token);
            Assert.True(read > 0, "the body ended before the first rows arrived: " + received);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        // The read is held after 150 rows: what arrived so far can only be rows the server had already read.
        Assert.DoesNotContain("\"id\":\"t150\"", received.ToString(), StringComparison.Ordinal);
        gate!.Release();
        using var rest = new StreamReader(body);
        received.Append(await rest.ReadToEndAsync(Token));

        var page = JsonNode.Parse(received.ToString())!;
        Assert.Equal([.. Enumerable.Range(0, 300).Select(i => $"t{i:D3}")], page["records"]!.AsArray().Select(r => (string?)r!["id"]));
        Assert.Null((string?)page["next_cursor"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_StreamedPage_HasTheBytesOfTheBufferedAnswer(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync(
            (c, ct) => c.BatchSaveAsync([.. Enumerable.Range(0, 120).Select(i => new JsonObject { ["id"] = $"t{i:D3}", ["title"] = new string('x', 400) })], "Ticket", ct),
            Token);

        var pages = new List<string>();
        foreach (var limit in new[] { 1, 100, 120, 10_000 })
        {
            pages.Add(await RawAsync(s, $"records?model=Ticket&limit={limit}"));
        }

        // Every page is the records, in order, then next_cursor: exactly the JSON a buffered writer produces from
        // the same rows (the parsed-and-rewritten form equals the raw bytes; no whitespace, no reordering).
        foreach (var raw in pages)
        {
            Assert.Equal(JsonNode.Parse(raw)!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), raw);
            Assert.EndsWith("}", raw, StringComparison.Ordinal);
        }

        var hundred = JsonNode.Parse(pages[1])!;
        Assert.Equal((string?)hundred["records"]![99]!["_nango_metadata"]!["cursor"], (string?)hundred["next_cursor"]);
        Assert.Null((string?)JsonNode.Parse(pages[2])!["next_cursor"]);
        Assert.Equal(pages[2], pages[3]);
    }

    private static async Task<string> RawAsync(RecordsServer s, string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = s.Server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.Server.SecretKey);
        request.Headers.Add("Connection-Id", "acme");
        request.Headers.Add("Provider-Config-Key", "demo");
        using var response = await http.SendAsync(request, Token);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync(Token);
    }
}
