using System.Text.Json.Nodes;
using Tributary.Sdk;
using Tributary.Sdk.Rules;

namespace Tributary.Core.Tests.Records;

public sealed class CheckpointRulesTests
{
    [Fact]
    public void Normalize_DatesBecomeJavaScriptIsoStrings_OtherScalarsStayAsGiven()
    {
        var normalized = CheckpointRules.Normalize(new JsonObject
        {
            ["at"] = JsonValue.Create(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(-1))),
            ["utc"] = JsonValue.Create(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc)),
            ["text"] = "2026-03-04",
            ["n"] = 1.5,
            ["flag"] = true,
        });

        Assert.Equal("""{"at":"2026-03-04T06:06:07.890Z","utc":"2026-03-04T05:06:07.000Z","text":"2026-03-04","n":1.5,"flag":true}""", normalized.ToJsonString());
    }

    [Fact]
    public void Normalize_NestedValue_IsRejectedNamingTheKey()
    {
        var error = Assert.Throws<InvalidRecordsException>(() => CheckpointRules.Normalize(new JsonObject { ["page"] = new JsonObject() }));

        Assert.Contains("'page'", error.Message, StringComparison.Ordinal);
    }
}
