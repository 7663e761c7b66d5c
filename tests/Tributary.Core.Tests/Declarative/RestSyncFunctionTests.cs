using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Core.Declarative;
using Tributary.Sdk.Paging;
using Tributary.Sdk.Testing;

namespace Tributary.Core.Tests.Declarative;

/// <summary>The executor against a scripted API: the request it sends (method, body, query, placeholders) and the records it saves.</summary>
public sealed class RestSyncFunctionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_SendsTheFilledBodyOnEveryPage_PagesByTheQuery_AndSavesSelectedFields()
    {
        var api = new ScriptedApi(request => request.RequestUri!.Query.Contains("page=2", StringComparison.Ordinal)
            ? """{"data":{"rows":[{"key":"c","name":{"first":"Cy"}}]}}"""
            : """{"data":{"rows":[{"key":"a","name":{"first":"Al"}},{"key":"b","name":{"first":"Bo"}}]}}""");
        var context = Context(api, new JsonObject { ["team"] = "a b/c" });
        var definition = Definition() with
        {
            Path = "/teams/${metadata.team}/search",
            Method = "POST",
            Body = JsonNode.Parse("""{"team":"${metadata.team}","size":2}"""),
            Pagination = new PaginationOptions { Type = PaginationType.Offset, OffsetNameInRequest = "page", OffsetStartValue = 1, OffsetCalculationMethod = OffsetCalculation.PerPage, Limit = 2 },
            RecordsPath = "data.rows",
            IdField = "key",
            Fields = [new RestField("first_name", "name.first"), new RestField("missing", "nowhere")],
        };

        await new RestSyncFunction(definition).RunAsync(context, Token);

        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("POST", r.Method));
        Assert.All(api.Requests, r => Assert.Equal("""{"team":"a b/c","size":2}""", r.Body));
        Assert.Equal("/teams/a%20b%2Fc/search?page=1", api.Requests[0].PathAndQuery); // a value is one path segment
        Assert.Equal(
            ["""{"id":"a","first_name":"Al","missing":null}""", """{"id":"b","first_name":"Bo","missing":null}""", """{"id":"c","first_name":"Cy","missing":null}"""],
            context.RecordsOf("Item").OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Payload.ToJsonString()));
    }

    [Fact]
    public async Task Incremental_FirstRunLeavesSinceOut_ThenSendsItLessTheLookback_AndSavesTheHighestSeen()
    {
        var api = new ScriptedApi(_ => """[{"id":1,"updated_at":"2024-05-01T10:00:00Z"},{"id":2,"updated_at":"2024-05-02T10:00:00Z"}]""");
        var context = Context(api, []);
        var definition = Definition() with
        {
            Query = [new("state", "all"), new("cursor", "${checkpoint.since}")],
            Paginated = false,
            Incremental = new RestIncremental("updated_at", "since", TimeSpan.FromHours(1)),
        };

        await new RestSyncFunction(definition).RunAsync(context, Token);
        context.StartNextRun();
        await new RestSyncFunction(definition).RunAsync(context, Token);

        Assert.Equal("/items?state=all", api.Requests[0].PathAndQuery); // a placeholder without a value drops its parameter
        Assert.Equal("/items?state=all&cursor=2024-05-02T10%3A00%3A00Z&since=2024-05-02T09%3A00%3A00Z", api.Requests[1].PathAndQuery);
        Assert.Equal("2024-05-02T10:00:00Z", (string?)context.StoredCheckpoint!["since"]);
        Assert.Equal(["""{"id":"1","updated_at":"2024-05-01T10:00:00Z"}""", """{"id":"2","updated_at":"2024-05-02T10:00:00Z"}"""], context.RecordsOf("Item").Select(r => r.Payload.ToJsonString()));
    }

    [Fact]
    public async Task RecordWithoutItsId_FailsTheRun_NamingTheField()
    {
        var api = new ScriptedApi(_ => """[{"name":"no id"}]""");
        var context = Context(api, []);

        var exception = await Assert.ThrowsAsync<RestSyncException>(() => new RestSyncFunction(Definition() with { Paginated = false }).RunAsync(context, Token));

        Assert.Equal("Page 1: a record has no 'id' (rest.id) that is a string or a number.", exception.Message);
    }

    [Fact]
    public async Task PathPlaceholderWithoutValue_FailsTheRun_BeforeAnyRequest()
    {
        var api = new ScriptedApi(_ => "[]");
        var context = Context(api, []);

        var exception = await Assert.ThrowsAsync<RestSyncException>(() => new RestSyncFunction(Definition() with { Path = "/repos/${metadata.owner}" }).RunAsync(context, Token));

        Assert.Contains("${metadata.owner}", exception.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    private static RestSyncDefinition Definition() =>
        new("/items", "GET", [], null, null, true, null, "id", "Item", [], null);

    private static TestSyncContext Context(ScriptedApi api, JsonObject metadata) =>
        new(["Item"], metadata) { HttpHandler = api, HttpBaseAddress = new Uri("https://api.example.com/") };

    private sealed class ScriptedApi(Func<HttpRequestMessage, string> answer) : HttpMessageHandler
    {
        public List<(string Method, string PathAndQuery, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.PathAndQuery, body));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer(request), Encoding.UTF8, "application/json") };
        }
    }
}
