using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Contracts;
using Tributary.Server.Http;

namespace Tributary.Server.Tests.Contracts;

/// <summary>The wire records' serialisation rules, which the exact-body API tests rely on.</summary>
public sealed class ContractsJsonTests
{
    /// <summary>The context as the server binds it (Nango's relaxed escaping).</summary>
    private static ContractsJsonContext Json => JsonResponses.Json;

    [Fact]
    public void RawJson_IsWrittenVerbatim_AndReadBackAsItsText()
    {
        var item = new ConnectionListItem(7, "acme", "hubspot", "demo", "2026-01-01T00:00:00.000Z", new RawJson("""{"b":1, "a":[true]}"""), [], [], null);

        var json = JsonSerializer.Serialize(item, Json.ConnectionListItem);
        var back = JsonSerializer.Deserialize(json, Json.ConnectionListItem);

        Assert.Equal(
            """{"id":7,"connection_id":"acme","provider":"hubspot","provider_config_key":"demo","created":"2026-01-01T00:00:00.000Z","metadata":{"b":1, "a":[true]},"tags":{},"errors":[],"end_user":null}""",
            json);
        Assert.Equal("""{"b":1, "a":[true]}""", back!.Metadata.Json);
    }

    [Fact]
    public void FieldIgnoredWhenNull_IsLeftOut_WhileANullableFieldIsWrittenAsNull()
    {
        var answer = new TriggerResponse(true, null, new TriggerCounts(1, 0, 0), null);
        var run = new RunListResponse([], null);

        Assert.Equal("""{"success":true,"counts":{"queued":1,"coalesced":0,"restarted":0}}""", JsonSerializer.Serialize(answer, Json.TriggerResponse));
        Assert.Equal("""{"runs":[],"next_cursor":null}""", JsonSerializer.Serialize(run, Json.RunListResponse));
    }

    [Fact]
    public void ErrorBody_KeepsQuotesAndNonAsciiReadable_AsJsonStringifyWrites()
    {
        var body = new ErrorBody(new ErrorDetail("invalid_body", "Can't use 'café' <here>"), "Can't use 'café' <here>");

        Assert.Equal(
            """{"error":{"code":"invalid_body","message":"Can't use 'café' <here>"},"message":"Can't use 'café' <here>"}""",
            JsonSerializer.Serialize(body, Json.ErrorBody));
    }

    [Fact]
    public void ErrorDetail_WritesIssuesAndPayload_OnlyWhenPresent()
    {
        var withIssues = new ErrorDetail("invalid_body", null, [new ErrorIssue("invalid_type", "Expected string", ["syncs", "0"])], new JsonObject());

        Assert.Equal(
            """{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Expected string","path":["syncs","0"]}],"payload":{}}""",
            JsonSerializer.Serialize(withIssues, Json.ErrorDetail));
    }
}
