using Tributary.Core.Configuration;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Tests.Configuration;

/// <summary>The <c>rest:</c> block of a sync: what it reads, and every mistake reported with its line and path.</summary>
public sealed class RestBlockReaderTests
{
    private const string Source = "tributary.yaml";

    /// <summary>A sync with <paramref name="rest"/> as its rest: block (indented under line 8).</summary>
    private static string Yaml(string rest, string syncExtra = "") => $"""
        integrations:
          github:
            provider: github
            syncs:
              issues:
                models: [Issue]
                frequency: every 1h{syncExtra}
                rest:
        {string.Join('\n', rest.Split('\n').Select(line => "          " + line))}
        """;

    [Fact]
    public void Parse_FullBlock_ReadsEveryKey()
    {
        var config = ConfigLoader.Parse(Yaml("""
            path: /repos/${metadata.owner}/issues
            method: POST
            query: { state: all, since: "${checkpoint.since}" }
            body: { limit: 100, filter: { owner: "${connectionConfig.org}", open: true } }
            paginate: { type: cursor, cursor_path_in_response: paging.next.after, cursor_name_in_request: after, limit: 50, max_pages: 9 }
            records: results
            id: number
            fields: { title: title, login: user.login }
            incremental: { field: updated_at, param: since, lookback: 10m }
            """), Source);

        var sync = Assert.Single(Assert.Single(config.Integrations).Syncs);
        Assert.Equal("rest:github/issues", sync.Function);
        var rest = Assert.IsType<RestSyncDefinition>(sync.Rest);
        Assert.Equal("/repos/${metadata.owner}/issues", rest.Path);
        Assert.Equal("POST", rest.Method);
        Assert.Equal([new("state", "all"), new("since", "${checkpoint.since}")], rest.Query);
        Assert.Equal("""{"limit":100,"filter":{"owner":"${connectionConfig.org}","open":true}}""", rest.Body!.ToJsonString());
        Assert.Equal(PaginationType.Cursor, rest.Pagination!.Type);
        Assert.Equal("paging.next.after", rest.Pagination.CursorPathInResponse);
        Assert.Equal("after", rest.Pagination.CursorNameInRequest);
        Assert.Equal(50, rest.Pagination.Limit);
        Assert.Equal(9, rest.Pagination.MaxPages);
        Assert.True(rest.Paginated);
        Assert.Equal("results", rest.RecordsPath);
        Assert.Equal("number", rest.IdField);
        Assert.Equal("Issue", rest.Model);
        Assert.Equal([new RestField("title", "title"), new RestField("login", "user.login")], rest.Fields);
        Assert.Equal(new RestIncremental("updated_at", "since", TimeSpan.FromMinutes(10)), rest.Incremental);
    }

    [Fact]
    public void Parse_SmallestBlock_TakesTheDefaults()
    {
        var rest = Assert.Single(Assert.Single(ConfigLoader.Parse(Yaml("path: /items\nid: id"), Source).Integrations).Syncs).Rest!;

        Assert.Equal("GET", rest.Method);
        Assert.Null(rest.Pagination); // the provider's proxy.paginate, at run time
        Assert.True(rest.Paginated);
        Assert.Null(rest.RecordsPath);
        Assert.Empty(rest.Fields);
        Assert.Null(rest.Incremental);
        Assert.Equal("Issue", rest.Model);
    }

    [Theory]
    [InlineData("type: page\noffset_name_in_request: page", PaginationType.Offset, 1, OffsetCalculation.PerPage)]
    [InlineData("type: offset\noffset_name_in_request: start", PaginationType.Offset, null, null)]
    public void Parse_PageAndOffset_AreOffsetPaginations(string paginate, PaginationType type, int? start, OffsetCalculation? calculation)
    {
        var yaml = Yaml("path: /items\nid: id\npaginate:\n" + string.Join('\n', paginate.Split('\n').Select(l => "  " + l)));
        var options = Assert.Single(Assert.Single(ConfigLoader.Parse(yaml, Source).Integrations).Syncs).Rest!.Pagination!;

        Assert.Equal(type, options.Type);
        Assert.Equal(start, options.OffsetStartValue);
        Assert.Equal(calculation, options.OffsetCalculationMethod);
    }

    [Fact]
    public void Parse_PaginateNone_IsOneRequest()
    {
        var rest = Assert.Single(Assert.Single(ConfigLoader.Parse(Yaml("path: /items\nid: id\npaginate: none"), Source).Integrations).Syncs).Rest!;

        Assert.False(rest.Paginated);
    }

    [Theory]
    [InlineData("path: /items\nid: id\nrecord: items", 11, "integrations.github.syncs.issues.rest.record", "unknown key 'record' (did you mean 'records'?)")]
    [InlineData("path: /items", 8, "integrations.github.syncs.issues.rest.id", "is required")]
    [InlineData("id: id", 8, "integrations.github.syncs.issues.rest.path", "is required")]
    [InlineData("path: https://api.example.com/items\nid: id", 9, "integrations.github.syncs.issues.rest.path", "'https://api.example.com/items' must be a path starting with '/'")]
    [InlineData("path: /repos/${secrets.token}\nid: id", 9, "integrations.github.syncs.issues.rest.path", "'${secrets.token}' names an unknown namespace 'secrets'")]
    [InlineData("path: /items\nid: id\nquery: { since: \"${checkpoint}\" }", 11, "integrations.github.syncs.issues.rest.query.since", "'${checkpoint}' names no key")]
    [InlineData("path: /items\nid: id\nbody: { a: \"${env.HOME}\" }\nmethod: POST", 11, "integrations.github.syncs.issues.rest.body.a", "'${env.HOME}' names an unknown namespace 'env'")]
    [InlineData("path: /items\nid: id\nbody: { a: 1 }", 11, "integrations.github.syncs.issues.rest.body", "a GET request has no body")]
    [InlineData("path: /items\nid: id\nmethod: DELETE", 11, "integrations.github.syncs.issues.rest.method", "'DELETE' is not a method")]
    [InlineData("path: /items\nid: $.id", 10, "integrations.github.syncs.issues.rest.id", "'$.id' is not a field path: write the keys from the body's root without '$', such as id")]
    [InlineData("path: /items\nid: id\nrecords: data[*]", 11, "integrations.github.syncs.issues.rest.records", "'data[*]' is not a field path")]
    [InlineData("path: /items\nid: id\nmodel: Pull", 11, "integrations.github.syncs.issues.rest.model", "'Pull' is not one of the sync's models (Issue)")]
    [InlineData("path: /items\nid: id\npaginate: { type: cursr }", 11, "integrations.github.syncs.issues.rest.paginate.type", "'cursr' is not a pagination type (did you mean 'cursor'?")]
    [InlineData("path: /items\nid: id\npaginate: { type: cursor, cursor_path_in_response: next }", 11, "integrations.github.syncs.issues.rest.paginate.cursor_name_in_request", "is required")]
    [InlineData("path: /items\nid: id\npaginate: { type: offset }", 11, "integrations.github.syncs.issues.rest.paginate.offset_name_in_request", "is required")]
    [InlineData("path: /items\nid: id\npaginate: { limit: 0 }", 11, "integrations.github.syncs.issues.rest.paginate.limit", "'0' is not a whole number of at least 1")]
    [InlineData("path: /items\nid: id\nfields: { id: number }", 11, "integrations.github.syncs.issues.rest.fields", "'id' is always the record's id")]
    [InlineData("path: /items\nid: id\nincremental: { field: updated_at, param: since, lookback: soon }", 11, "integrations.github.syncs.issues.rest.incremental.lookback", "'soon' is not a duration")]
    [InlineData("path: /items\nid: id\nincremental: { field: updated_at }", 11, "integrations.github.syncs.issues.rest.incremental.param", "is required")]
    public void Parse_MistakeInTheBlock_IsReportedWithLineAndPath(string rest, int line, string path, string message)
    {
        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml(rest), Source)).Errors);

        Assert.Equal(Source, error.Source);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Parse_FunctionAndRestBoth_IsRefused()
    {
        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml("path: /items\nid: id", "\n        function: issues"), Source)).Errors);

        Assert.Equal("integrations.github.syncs.issues.function", error.Path);
        Assert.Equal(8, error.Line);
        Assert.StartsWith("give function or rest, not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IncrementalOnAFullSync_IsRefused()
    {
        var yaml = Yaml("path: /items\nid: id\nincremental: { field: updated_at, param: since }", "\n        sync_type: full");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source)).Errors);

        Assert.Equal("integrations.github.syncs.issues.rest.incremental", error.Path);
        Assert.StartsWith("a full sync reads everything each run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralModelsWithoutModel_AsksForIt()
    {
        var yaml = Yaml("path: /items\nid: id").Replace("[Issue]", "[Issue, Pull]", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source)).Errors);

        Assert.Equal("integrations.github.syncs.issues.rest.model", error.Path);
        Assert.StartsWith("is required when the sync lists several models", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyMistakes_AreAllReportedInOnePass()
    {
        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml("path: items\nid: $.id\nrecords: a..b\npaginat: none"), Source)).Errors;

        Assert.Equal(4, errors.Count);
    }
}
