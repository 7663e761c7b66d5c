using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// The fault test "hostile input on both databases": NUL, lone surrogates, invalid UTF-8, duplicate keys, unknown
/// fields, 1 MB strings, a 30 MB body and a million-item array, sent to every write endpoint and to the
/// query-string endpoints of a real server.
/// </summary>
/// <remarks>
/// Each request must get a 4xx in Nango's shape (<c>{"error":{"code":…}}</c>), an answer under
/// <see cref="MaxAnswerBytes"/>, and must change nothing (connections, syncs, runs and integrations are read before
/// and after every case). Memory: the bytes the whole test process allocates while one request is sent and
/// answered (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, server and client share the process) stay under
/// <see cref="MaxAllocatedBytesPerRequest"/>; before the fixes a 2 MB trigger body allocated ~390 MB.
/// </remarks>
[Collection(HostileInputTests.Alone)]
public sealed partial class HostileInputTests
{
    /// <summary>Runs with no other test class in parallel, so the allocation bound measures these requests only.</summary>
    public const string Alone = "Hostile input (alone: allocations are measured process-wide)";

    private const int MaxAnswerBytes = 64 * 1024;

    private const long MaxAllocatedBytesPerRequest = 64L * 1024 * 1024;

    private const string Placeholder = "@S";

    private static readonly Dictionary<string, string> RecordHeaders = new()
    {
        ["Connection-Id"] = "acme",
        ["Provider-Config-Key"] = "demo",
    };

    /// <summary>Every write endpoint, with one string field replaced by the hostile value.</summary>
    private static readonly (HttpMethod Method, string Path, string Template)[] WriteEndpoints =
    [
        (HttpMethod.Post, "sync/trigger", """{"provider_config_key":"demo","connection_id":@S,"syncs":["contacts"]}"""),
        (HttpMethod.Post, "sync/pause", """{"provider_config_key":"demo","connection_id":"acme","syncs":[@S]}"""),
        (HttpMethod.Post, "sync/start", """{"provider_config_key":"demo","connection_id":"acme","syncs":[@S]}"""),
        (HttpMethod.Put, "sync/update-connection-frequency", """{"sync_name":"contacts","provider_config_key":"demo","connection_id":@S,"frequency":"every 2h"}"""),
        (HttpMethod.Post, "sync/contacts/variant/v1", """{"provider_config_key":"demo","connection_id":@S}"""),
        (HttpMethod.Delete, "sync/contacts/variant/v1", """{"provider_config_key":"demo","connection_id":@S}"""),
        (HttpMethod.Patch, "records/prune", """{"model":"Contact","until_cursor":@S}"""),
        (HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":@S,"credentials":{"type":"NONE"}}"""),
        (HttpMethod.Post, "connections/metadata", """{"provider_config_key":"demo","connection_id":@S,"metadata":{"k":"v"}}"""),
        (HttpMethod.Patch, "connections/metadata", """{"provider_config_key":"demo","connection_id":@S,"metadata":{"k":"v"}}"""),
        (HttpMethod.Post, "integrations", """{"provider":"sample-data","unique_key":@S}"""),
        (HttpMethod.Patch, "integrations/demo", """{"display_name":@S}"""),
        (HttpMethod.Patch, "connections/acme?provider_config_key=demo", """{"end_user":{"id":@S}}"""),
        (HttpMethod.Patch, "connections/acme?provider_config_key=demo", """{"tags":{"k":@S}}"""),
    ];

    /// <summary>Hostile values for the placeholder, as raw body bytes (so invalid UTF-8 reaches the server as sent).</summary>
    private static readonly (string Name, byte[] Value)[] HostileValues =
    [
        ("NUL", Encoding.UTF8.GetBytes("\"fresh\\u0000\"")),
        ("raw NUL", [(byte)'"', (byte)'f', 0, (byte)'"']),
        ("lone high surrogate", Encoding.UTF8.GetBytes("\"fresh\\ud800\"")),
        ("lone low surrogate", Encoding.UTF8.GetBytes("\"\\udc00fresh\"")),
        ("invalid UTF-8", [(byte)'"', (byte)'f', 0xFF, 0xFE, (byte)'"']),
        ("UTF-8 encoded surrogate", [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"']),
        ("1 MB string", Encoding.UTF8.GetBytes("\"" + new string('a', 1_000_000) + "\"")),
    ];

    private static readonly string[] QueryRequests =
    [
        "runs?connection_id=acme%00",
        "runs?limit=-1",
        "runs?limit=0",
        "runs?limit=abc",
        "runs?limit=1e20",
        "runs?state=bogus",
        "runs?cursor=1%00",
        "runs?bogus=1",
        "connections?connectionId=acme%00",
        "connections?limit=abc",
        "connections?bogus=1",
        "connections/acme?provider_config_key=demo%00",
        "connections/acme",
        "connections/acme?provider_config_key=demo&force_refresh=maybe",
        "sync/status?provider_config_key=demo%00&syncs=*",
        "sync/status?provider_config_key=demo&syncs=*&connection_id=acme%00",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task HostileInput_EveryEndpoint_AnswersABounded4xxAndChangesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.SecretKey);
        var before = await SnapshotAsync(http);
        var failures = new List<string>();

        foreach (var (method, path, template) in WriteEndpoints)
        {
            foreach (var (name, value) in HostileValues)
            {
                await CheckAsync(http, method, path, Fill(template, value), $"{name} to {method} {path}", failures);
            }

            var benign = Encoding.UTF8.GetBytes("\"fresh\"");
            var duplicate = Encoding.UTF8.GetString(Fill(template, benign)).Replace("{", "{\"dup\":1,\"dup\":2,", StringComparison.Ordinal);
            await CheckAsync(http, method, path, Encoding.UTF8.GetBytes(duplicate), $"duplicate keys to {method} {path}", failures);
            var unknown = Encoding.UTF8.GetString(Fill(template, benign)).Replace("{\"", "{\"zz_unknown\":1,\"", StringComparison.Ordinal);
            await CheckAsync(http, method, path, Encoding.UTF8.GetBytes(unknown), $"unknown field to {method} {path}", failures);
            await CheckRawAsync(server, method, path, RepeatedBody(30 * 1024 * 1024), chunked: true, $"30 MB chunked body to {method} {path}", failures);
            await CheckRawAsync(server, method, path, MillionItems(), chunked: false, $"million-item array to {method} {path}", failures);
        }

        foreach (var query in QueryRequests)
        {
            var method = query.StartsWith("connections/acme?provider_config_key=demo%00", StringComparison.Ordinal) ? HttpMethod.Delete : HttpMethod.Get;
            await CheckAsync(http, method, query, (byte[]?)null, $"{method} {query}", failures);
        }

        await CheckAsync(http, HttpMethod.Delete, "connections/acme", (byte[]?)null, "DELETE connections/acme without provider_config_key", failures);

        // A NUL in the path never reaches the application: Kestrel refuses the request line with a bare 400.
        using (var nulPath = await http.GetAsync("connections/acme%00?provider_config_key=demo", Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nulPath.StatusCode);
        }

        var after = await SnapshotAsync(http);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_ManyBadSyncsUnderTheBodyLimit_AnswersAtMostTwentyIssues(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var body = "{\"provider_config_key\":\"demo\",\"syncs\":[" + string.Join(',', Enumerable.Repeat("1", 400_000)) + "]}";

        var answer = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "sync/trigger", body, Token);

        Assert.Equal(400, answer.Status);
        Assert.Equal("invalid_body", (string?)answer.Json["error"]!["code"]);
        Assert.InRange(answer.Json["error"]!["errors"]!.AsArray().Count, 1, 20);
        Assert.Equal("too_big", (string?)answer.Json["error"]!["errors"]!.AsArray()[^1]!["code"]);
        Assert.InRange(answer.Body.Length, 1, 8 * 1024);
    }

    private static async Task CheckRawAsync(TestServer server, HttpMethod method, string path, byte[] body, bool chunked, string label, List<string> failures)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (status, answer) = await RawHttp.SendAsync(
            server.BaseUrl,
            server.SecretKey,
            method.Method,
            path,
            body.Length,
            chunked,
            sent => body.AsMemory((int)sent, (int)Math.Min(64 * 1024, body.Length - sent)),
            Token);
        Record(label, status, answer, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, failures);
    }

    private static async Task CheckAsync(HttpClient http, HttpMethod method, string path, object? body, string label, List<string> failures)
    {
        using var request = new HttpRequestMessage(method, path);
        if (path.StartsWith("records", StringComparison.Ordinal))
        {
            foreach (var (name, value) in RecordHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Content = body switch
        {
            byte[] bytes => new ByteArrayContent(bytes),
            HttpContent content => content,
            _ => null,
        };
        request.Content?.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ConnectionClose = true;

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int status;
        byte[] answer;
        try
        {
            using var response = await http.SendAsync(request, Token);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsByteArrayAsync(Token);
        }
        catch (HttpRequestException ex)
        {
            // The server may answer 413 and close before the whole body is sent; the client then sees a reset.
            failures.Add($"{label}: no answer ({ex.Message})");
            return;
        }

        Record(label, status, answer, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, failures);
    }

    private static void Record(string label, int status, byte[] answer, long allocated, List<string> failures)
    {
        if (status is < 400 or >= 500)
        {
            failures.Add($"{label}: status {status}");
        }

        if (answer.Length > MaxAnswerBytes)
        {
            failures.Add($"{label}: answer of {answer.Length} bytes");
        }

        if (allocated > MaxAllocatedBytesPerRequest)
        {
            failures.Add($"{label}: {allocated / (1024 * 1024)} MB allocated");
        }

        if (TryCode(answer) is null)
        {
            failures.Add($"{label}: status {status} without Nango's error shape: {Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 200)))}");
        }
    }

    private static string? TryCode(byte[] answer)
    {
        try
        {
            return (string?)JsonNode.Parse(answer)?["error"]?["code"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static byte[] Fill(string template, byte[] value)
    {
        var at = template.IndexOf(Placeholder, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. value, .. Encoding.UTF8.GetBytes(template[(at + Placeholder.Length)..])];
    }

    private static byte[] MillionItems()
    {
        var body = new StringBuilder("{\"provider_config_key\":\"demo\",\"connection_id\":\"acme\",\"syncs\":[", 5_000_000);
        for (var i = 0; i < 1_000_000; i++)
        {
            body.Append(i == 0 ? "\"a\"" : ",\"a\"");
        }

        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    /// <summary>What a hostile request could change: connections, syncs with their schedules, runs, integrations.</summary>
    private static async Task<string> SnapshotAsync(HttpClient http)
    {
        var parts = new List<string>();
        foreach (var path in new[] { "connections", "runs?limit=1000", "sync/status?provider_config_key=demo&syncs=*&connection_id=acme", "integrations", "connections/acme?provider_config_key=demo" })
        {
            using var response = await http.GetAsync(path, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // A connection's last_fetched_at is the time of the read itself (Nango's), not a change.
            parts.Add(LastFetchedAt().Replace(await response.Content.ReadAsStringAsync(Token), string.Empty));
        }

        return string.Join('\n', parts);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"last_fetched_at\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex LastFetchedAt();

    /// <summary>A 30 MB body: a JSON string of spaces (its size is the point, not its content).</summary>
    private static byte[] RepeatedBody(int length)
    {
        var body = new byte[length];
        body.AsSpan().Fill((byte)' ');
        "{\"x\":\""u8.CopyTo(body);
        "\"}"u8.CopyTo(body.AsSpan(length - 2));
        return body;
    }
}

[CollectionDefinition(HostileInputTests.Alone, DisableParallelization = true)]
public sealed class HostileInputAlone
{
}
