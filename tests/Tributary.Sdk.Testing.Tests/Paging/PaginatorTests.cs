using System.Globalization;
using System.Net;
using System.Text.Json;
using Tributary.Sdk.Paging;

namespace Tributary.Sdk.Testing.Tests.Paging;

/// <summary>The SDK's pagination helpers for each shape, their stop rules, and malformed answers.</summary>
public sealed class PaginatorTests
{
    private static readonly PaginationOptions HubSpot = new()
    {
        Type = PaginationType.Cursor,
        CursorPathInResponse = "paging.next.after",
        CursorNameInRequest = "after",
        LimitNameInRequest = "limit",
        Limit = 2,
        ResponsePath = "results",
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cursor_SendsTheBodysCursorBack_UntilTheCursorIsMissing()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "after") switch
        {
            null => new("""{"results": [{"id": 1}, {"id": 2}], "paging": {"next": {"after": "c2"}}}"""),
            "c2" => new("""{"results": [{"id": 3}, {"id": 4}], "paging": {"next": {"after": 4}}}"""),
            _ => new("""{"results": [{"id": 5}]}"""),
        });
        using var http = api.Client();

        var pages = await Paginator.PagesAsync(http, "contacts?archived=false", HubSpot, Token).ToListAsync(Token);

        Assert.Equal([1, 2, 3], pages.Select(p => p.Number));
        Assert.Equal([1, 2, 3, 4, 5], pages.SelectMany(p => p.Items).Select(i => i.GetProperty("id").GetInt32()));
        Assert.Equal(
            ["/v1/contacts?archived=false&limit=2", "/v1/contacts?archived=false&limit=2&after=c2", "/v1/contacts?archived=false&limit=2&after=4"],
            api.Requests);
    }

    [Fact]
    public async Task Cursor_StopsOnAnEmptyPage_WithoutYieldingIt()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "after") is null
            ? new("""{"results": [{"id": 1}], "paging": {"next": {"after": "c1"}}}""")
            : new("""{"results": [], "paging": {"next": {"after": "c2"}}}"""));
        using var http = api.Client();

        var pages = await Paginator.PagesAsync(http, "contacts", HubSpot, Token).ToListAsync(Token);

        Assert.Single(pages);
        Assert.Equal(2, api.Requests.Count);
    }

    [Theory]
    [InlineData("""{"results": [{"id": 1}], "paging": {"next": {"after": ""}}}""")]
    [InlineData("""{"results": [{"id": 1}], "paging": {"next": {"after": {"x": 1}}}}""")]
    [InlineData("""{"results": [{"id": 1}], "paging": null}""")]
    public async Task Cursor_StopsWhenTheCursorIsBlankOrNotAScalar(string body)
    {
        var api = new StubApi(_ => new(body));
        using var http = api.Client();

        var pages = await Paginator.PagesAsync(http, "contacts", HubSpot, Token).ToListAsync(Token);

        Assert.Single(pages);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Cursor_ThatRepeats_FailsInsteadOfLooping()
    {
        var api = new StubApi(_ => new("""{"results": [{"id": 1}], "paging": {"next": {"after": "same"}}}"""));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<PaginationException>(async () => await Paginator.PagesAsync(http, "contacts", HubSpot, Token).ToListAsync(Token));

        Assert.Contains("same cursor", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task Link_FollowsRelNext_YieldsEmptyPages_AndStopsWithoutANextLink()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "page") switch
        {
            null => new("""[{"number": 1}, {"number": 2}]""", """<https://api.example.com/v1/issues?page=2&per_page=2>; rel="next", <https://api.example.com/v1/issues?page=3>; rel="last" """),
            "2" => new("[]", """<https://api.example.com/v1/issues?page=1>; rel="prev first", <https://api.example.com/v1/issues?page=3&per_page=2>; rel=next"""),
            _ => new("""[{"number": 3}]""", """<https://api.example.com/v1/issues?page=1>; rel="first" """),
        });
        using var http = api.Client();
        var options = new PaginationOptions { Type = PaginationType.Link, LimitNameInRequest = "per_page", Limit = 2 };

        var pages = await Paginator.PagesAsync(http, "issues?state=all", options, Token).ToListAsync(Token);

        Assert.Equal([2, 0, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(["/v1/issues?state=all&per_page=2", "/v1/issues?page=2&per_page=2", "/v1/issues?page=3&per_page=2"], api.Requests);
    }

    [Fact]
    public async Task Link_ThatRepeats_Stops()
    {
        var api = new StubApi(_ => new("""[{"number": 1}]""", """<https://api.example.com/v1/issues?page=2>; rel="next" """));
        using var http = api.Client();

        var pages = await Paginator.PagesAsync(http, "issues", new PaginationOptions { Type = PaginationType.Link }, Token).ToListAsync(Token);

        Assert.Equal(2, pages.Count);
    }

    [Fact]
    public async Task Link_InTheBody_ByAPathThatIsOneKey_WithRelativeLinks()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "$skiptoken") is null
            ? new("""{"value": [{"id": "a"}], "@odata.nextLink": "users?$skiptoken=x1"}""")
            : new("""{"value": [{"id": "b"}]}"""));
        using var http = api.Client();
        var options = new PaginationOptions { Type = PaginationType.Link, LinkPathInResponseBody = "@odata.nextLink", ResponsePath = "value" };

        var items = await Paginator.ItemsAsync<JsonElement>(http, "users", options, null, Token).ToListAsync(Token);

        Assert.Equal(["a", "b"], items.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(["/v1/users", "/v1/users?$skiptoken=x1"], api.Requests);
    }

    [Fact]
    public async Task Link_ToAnotherOrigin_IsNotFollowed()
    {
        var api = new StubApi(_ => new("""[{"number": 1}]""", """<https://evil.example.net/collect?page=2>; rel="next" """));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<PaginationException>(async () =>
            await Paginator.PagesAsync(http, "issues", new PaginationOptions { Type = PaginationType.Link }, Token).ToListAsync(Token));

        Assert.Contains("evil.example.net", error.Message, StringComparison.Ordinal);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Offset_AdvancesByThePagesLength_AndStopsOnAShortPage()
    {
        var api = new StubApi(uri => int.Parse(StubApi.Query(uri, "start")!, CultureInfo.InvariantCulture) switch
        {
            < 4 => new("""{"data": [{"id": 1}, {"id": 2}]}"""),
            _ => new("""{"data": [{"id": 3}]}"""),
        });
        using var http = api.Client();
        var options = new PaginationOptions { Type = PaginationType.Offset, OffsetNameInRequest = "start", LimitNameInRequest = "limit", Limit = 2, ResponsePath = "data" };

        var items = await Paginator.ItemsAsync<JsonElement>(http, "deals", options, null, Token).ToListAsync(Token);

        Assert.Equal(5, items.Count);
        Assert.Equal(["/v1/deals?limit=2&start=0", "/v1/deals?limit=2&start=2", "/v1/deals?limit=2&start=4"], api.Requests);
    }

    [Fact]
    public async Task Offset_WithoutALimit_StopsOnAnEmptyPage()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "offset") == "3" ? new("[]") : new("""[{"id": 1}, {"id": 2}, {"id": 3}]"""));
        using var http = api.Client();

        var pages = await Paginator.PagesAsync(http, "items", new PaginationOptions { Type = PaginationType.Offset, OffsetNameInRequest = "offset" }, Token).ToListAsync(Token);

        Assert.Single(pages);
        Assert.Equal(["/v1/items?offset=0", "/v1/items?offset=3"], api.Requests);
    }

    [Fact]
    public async Task PageNumber_CountsPagesFromOne()
    {
        var api = new StubApi(uri => StubApi.Query(uri, "page") == "3" ? new("""[{"id": 5}]""") : new("""[{"id": 1}, {"id": 2}]"""));
        using var http = api.Client();

        var items = await Paginator.ItemsAsync<Item>(http, "items", PaginationOptions.PageNumber("page") with { LimitNameInRequest = "size", Limit = 2 }, null, Token).ToListAsync(Token);

        Assert.Equal([1, 2, 1, 2, 5], items.Select(i => i.Id));
        Assert.Equal(["/v1/items?size=2&page=1", "/v1/items?size=2&page=2", "/v1/items?size=2&page=3"], api.Requests);
    }

    [Fact]
    public async Task MaxPages_BoundsAnEndlessApi_WithAClearError()
    {
        var api = new StubApi(uri => new("""[{"id": 1}]""", $"<https://api.example.com/v1/items?page={NextPage(uri)}>; rel=\"next\""));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<PaginationException>(async () =>
            await Paginator.PagesAsync(http, "items", new PaginationOptions { Type = PaginationType.Link, MaxPages = 5 }, Token).ToListAsync(Token));

        Assert.Contains("after 5 pages", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, api.Requests.Count);
    }

    [Fact]
    public async Task ABodyThatIsNotJson_FailsNamingThePathButNotTheQuery()
    {
        var api = new StubApi(_ => new("<html>oops</html>"));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<PaginationException>(async () =>
            await Paginator.PagesAsync(http, "items?api_key=s3cr3t", new PaginationOptions { Type = PaginationType.Link }, Token).ToListAsync(Token));

        Assert.Contains("Page 1 of /v1/items is not JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"results": {"id": 1}}""", "results", "a JSON object at 'results'")]
    [InlineData("""{"items": []}""", "results", "has no 'results'")]
    [InlineData("""{"results": []}""", null, "set ResponsePath")]
    public async Task ItemsNotWhereTheResponsePathSays_FailClearly(string body, string? responsePath, string expected)
    {
        var api = new StubApi(_ => new(body));
        using var http = api.Client();
        var options = new PaginationOptions { Type = PaginationType.Link, ResponsePath = responsePath };

        var error = await Assert.ThrowsAsync<PaginationException>(async () => await Paginator.PagesAsync(http, "items", options, Token).ToListAsync(Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorStatus_FailsWithTheStatusCode()
    {
        var api = new StubApi(_ => new("""{"message": "Not Found"}""", Status: HttpStatusCode.NotFound));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await Paginator.PagesAsync(http, "items", new PaginationOptions { Type = PaginationType.Link }, Token).ToListAsync(Token));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("/v1/items answered 404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnItemOfTheWrongShape_FailsNamingThePage()
    {
        var api = new StubApi(_ => new("""[{"id": "not a number"}]"""));
        using var http = api.Client();

        var error = await Assert.ThrowsAsync<PaginationException>(async () =>
            await Paginator.ItemsAsync<Item>(http, "items", new PaginationOptions { Type = PaginationType.Link }, null, Token).ToListAsync(Token));

        Assert.Contains("page 1 of /v1/items is not a Item", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", "no type")]
    [InlineData("cursor", "CursorPathInResponse")]
    [InlineData("offset", "OffsetNameInRequest")]
    [InlineData("limit", "limit must be positive")]
    [InlineData("pages", "MaxPages must be positive")]
    public void IncompleteOptions_AreRefusedBeforeAnyRequest(string incomplete, string expected)
    {
        var options = incomplete switch
        {
            "none" => new PaginationOptions(),
            "cursor" => new PaginationOptions { Type = PaginationType.Cursor, CursorNameInRequest = "after" },
            "offset" => new PaginationOptions { Type = PaginationType.Offset },
            "limit" => new PaginationOptions { Type = PaginationType.Link, Limit = 0 },
            _ => new PaginationOptions { Type = PaginationType.Link, MaxPages = 0 },
        };
        var api = new StubApi(_ => new("[]"));
        using var http = api.Client();

        var error = Assert.Throws<ArgumentException>(() => Paginator.PagesAsync(http, "items", options, Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Cancellation_StopsThePagination()
    {
        var api = new StubApi(_ => new("""[{"id": 1}]""", """<https://api.example.com/v1/items?page=2>; rel="next" """));
        using var http = api.Client();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var pages = Paginator.PagesAsync(http, "items", new PaginationOptions { Type = PaginationType.Link }, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var page in pages)
            {
                await cancel.CancelAsync();
            }
        });

        Assert.Single(api.Requests);
    }

    private static int NextPage(Uri uri) => int.Parse(StubApi.Query(uri, "page") ?? "1", CultureInfo.InvariantCulture) + 1;

    private sealed record Item(int Id);
}
