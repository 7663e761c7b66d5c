using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Sdk.Paging;

namespace Tributary.Sdk.Testing.Tests.Paging;

/// <summary>The provider's <c>proxy.paginate</c> as the default of a function's pagination, and a call's own settings over it.</summary>
public sealed class ProviderPaginationTests
{
    private static readonly Dictionary<string, string> HubSpotTemplate = new()
    {
        ["cursor_path_in_response"] = "paging.next.after",
        ["cursor_name_in_request"] = "after",
        ["limit_name_in_request"] = "limit",
        ["response_path"] = "results",
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void FromTemplate_ReadsNangosFieldNames()
    {
        var options = PaginationOptions.FromTemplate("offset", new Dictionary<string, string>
        {
            ["offset_name_in_request"] = "page",
            ["offset_start_value"] = "1",
            ["offset_calculation_method"] = "per-page",
            ["limit_name_in_request"] = "per_page",
            ["limit"] = "50",
            ["response_path"] = "data.items",
            ["in_body"] = "false",
        });

        Assert.Equal(
            new PaginationOptions
            {
                Type = PaginationType.Offset,
                OffsetNameInRequest = "page",
                OffsetStartValue = 1,
                OffsetCalculationMethod = OffsetCalculation.PerPage,
                LimitNameInRequest = "per_page",
                Limit = 50,
                ResponsePath = "data.items",
            },
            options);
    }

    [Theory]
    [InlineData("pages", "offset_name_in_request", "x", "'pages' is not one of cursor, link, offset")]
    [InlineData("offset", "offset_start_value", "one", "offset_start_value: 'one'")]
    [InlineData("offset", "limit", "0", "limit: '0'")]
    [InlineData("offset", "offset_calculation_method", "per-item", "offset_calculation_method: 'per-item'")]
    public void FromTemplate_RefusesValuesItCannotFollow(string type, string field, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => PaginationOptions.FromTemplate(type, new Dictionary<string, string> { [field] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithDefaults_FillsOnlyWhatTheCallLeftUnset_AndAnotherTypeTakesNone()
    {
        var template = PaginationOptions.FromTemplate("cursor", HubSpotTemplate);

        var merged = new PaginationOptions { Limit = 100, ResponsePath = "items" }.WithDefaults(template);
        var other = new PaginationOptions { Type = PaginationType.Link }.WithDefaults(template);

        Assert.Equal(template with { Limit = 100, ResponsePath = "items" }, merged);
        Assert.Equal(new PaginationOptions { Type = PaginationType.Link }, other);
    }

    [Fact]
    public async Task AFunctionPaginatesWithTheProviderDefault_AndItsOwnLimit()
    {
        var api = new RecordedResponses()
            .Add("GET", "crm/v3/objects/contacts?limit=2", 200, JsonNode.Parse("""{"results": [{"id": "1"}, {"id": "2"}], "paging": {"next": {"after": "2"}}}"""))
            .Add("GET", "crm/v3/objects/contacts?limit=2&after=2", 200, JsonNode.Parse("""{"results": [{"id": "3"}]}"""));
        var context = new TestSyncContext(["Contact"])
        {
            HttpHandler = api,
            HttpBaseAddress = new Uri("https://api.hubapi.com/"),
            ProviderPaginationValue = PaginationOptions.FromTemplate("cursor", HubSpotTemplate),
        };

        var contacts = await context.PaginateItemsAsync<JsonObject>("crm/v3/objects/contacts", new PaginationOptions { Limit = 2 }, null, Token).ToListAsync(Token);
        await context.BatchSaveAsync(contacts, "Contact", Token);

        Assert.Equal(["1", "2", "3"], context.LiveRecordsOf("Contact").Select(r => r.Id).Order());
        Assert.Equal(["GET /crm/v3/objects/contacts?limit=2", "GET /crm/v3/objects/contacts?limit=2&after=2"], api.Requests);
    }

    [Fact]
    public void WithoutAProviderDefault_ACallWithoutAType_IsRefused()
    {
        var context = new TestSyncContext(["Contact"]);

        var error = Assert.Throws<ArgumentException>(() => context.PaginateAsync("contacts", null, Token));

        Assert.Contains("proxy.paginate", error.Message, StringComparison.Ordinal);
    }
}
