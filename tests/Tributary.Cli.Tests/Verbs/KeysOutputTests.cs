using System.Text.Json.Nodes;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>keys list | create | revoke</c>: the table for people and the <c>--json</c> for scripts.</summary>
public sealed class KeysOutputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_Table_HasAHeaderAndARowPerKey_NeverASecret()
    {
        using var folder = new TempFolder();
        var created = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:syncs:read", "--name", "reader", "--data-dir", folder.DataDir);

        var list = await CommandLine.RunAsync(Token, "keys", "list", "--data-dir", folder.DataDir);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"│ id +│ environment +│ name +│ scopes +│ kind +│ created +│ revoked +│", list.Output);
        Assert.Matches(@"│ \d+ +│ dev +│ reader +│ environment:syncs:read +│ created +│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +│ - +│", list.Output);
        Assert.DoesNotContain(created.Output.Trim(), list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Json_CarriesTheKeyOnce_AndRevokeJson_SaysWhatHappened()
    {
        using var folder = new TempFolder();

        var created = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:syncs:read,environment:records:read", "--name", "ci", "--data-dir", folder.DataDir, "--json");
        var body = JsonNode.Parse(created.Output)!;
        var list = JsonNode.Parse((await CommandLine.RunAsync(Token, "keys", "list", "--data-dir", folder.DataDir, "--json")).Output)!.AsArray();
        var id = ((long)list.Single(k => (string?)k!["name"] == "ci")!["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var revoked = await CommandLine.RunAsync(Token, "keys", "revoke", id, "--data-dir", folder.DataDir, "--json");
        var unknown = await CommandLine.RunAsync(Token, "keys", "revoke", "424242", "--data-dir", folder.DataDir, "--json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("ci", (string?)body["name"]);
        Assert.Equal("dev", (string?)body["environment"]);
        Assert.Equal(["environment:syncs:read", "environment:records:read"], body["scopes"]!.AsArray().Select(s => (string?)s));
        Assert.True(Guid.TryParse((string?)body["key"], out _), created.Output);
        Assert.Equal("revoked", (string?)JsonNode.Parse(revoked.Output)!["outcome"]);
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Equal("unknown_key", (string?)JsonNode.Parse(unknown.Output)!["outcome"]);
    }
}
