using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary keys list | revoke | create --environment | rotate-encryption</c>, and <c>--secret-key-file</c>.</summary>
public sealed class KeysLifecycleCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Revoke_WhileServing_TheServerRefusesTheKeyWithinTwoSeconds_AndListShowsIt()
    {
        using var folder = new TempFolder();
        var created = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:*", "--name", "ops", "--data-dir", folder.DataDir);
        var secret = created.Output.Trim();
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);
        using var client = new TributaryClient(server.BaseUrl, secret);
        await client.StatusAsync("demo", "*", null, Token);
        var id = IdOf(await CommandLine.RunAsync(Token, "keys", "list", "--data-dir", folder.DataDir, "--json"), "ops");

        var revoke = await CommandLine.RunAsync(Token, "keys", "revoke", id, "--data-dir", folder.DataDir);
        var refused = await Eventually.ValueAsync(
            async token =>
            {
                try
                {
                    await client.StatusAsync("demo", "*", null, token);
                    return 200;
                }
                catch (TributaryApiException ex)
                {
                    return ex.Status;
                }
            },
            status => status == 401,
            TimeSpan.FromSeconds(2),
            "the server to refuse the revoked key",
            Token);
        var again = await CommandLine.RunAsync(Token, "keys", "revoke", id, "--data-dir", folder.DataDir);
        var unknown = await CommandLine.RunAsync(Token, "keys", "revoke", "99999", "--data-dir", folder.DataDir);
        var list = await CommandLine.RunAsync(Token, "keys", "list", "--data-dir", folder.DataDir, "--json");

        Assert.True(revoke.ExitCode == ExitCodes.Ok, revoke.ToString());
        Assert.Contains($"Revoked API key {id}.", revoke.Error, StringComparison.Ordinal);
        Assert.Equal(401, refused);
        Assert.Equal((ExitCodes.Ok, ExitCodes.BadInput), (again.ExitCode, unknown.ExitCode));
        Assert.Contains("was already revoked", again.Error, StringComparison.Ordinal);
        Assert.Contains("No API key with id 99999", unknown.Error, StringComparison.Ordinal);
        var row = Row(list, "ops");
        Assert.Equal(["dev", "ops", "environment:*", "created"], row[1..5]);
        Assert.NotEqual("-", row[6]);
        Assert.DoesNotContain(secret, list.Output + list.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, server.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Create_InAnotherEnvironment_MakesAKeyThatSeesNothingOfDev()
    {
        using var folder = new TempFolder();
        var created = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:*", "--environment", "staging", "--data-dir", folder.DataDir);
        var bad = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:*", "--environment", "Bad Name", "--data-dir", folder.DataDir);
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);
        using var staging = new TributaryClient(server.BaseUrl, created.Output.Trim());

        var integrations = await staging.SendAsync(HttpMethod.Get, "integrations", null, null, Token);

        Assert.True(created.ExitCode == ExitCodes.Ok, created.ToString());
        Assert.Contains("in environment staging", created.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Empty((JsonArray)integrations!["data"]!);
        Assert.Equal("staging", Row(await CommandLine.RunAsync(Token, "keys", "list", "--data-dir", folder.DataDir, "--json"), "cli")[1]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RotateEncryption_WithTheFoldersKey_ReencryptsCredentialsAndTheServerReadsThemWithTheNewKey()
    {
        using var folder = new TempFolder();
        await using (var first = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token))
        {
            using var client = first.Client();
            await client.CreateConnectionAsync(
                new JsonObject
                {
                    ["provider_config_key"] = "demo",
                    ["connection_id"] = "acme",
                    ["credentials"] = new JsonObject { ["type"] = "NONE" },
                },
                Token);
        }

        var keyFile = Path.Combine(folder.DataDir, "encryption.key");
        var before = await File.ReadAllTextAsync(keyFile, Token);

        var rotate = await CommandLine.RunAsync(Token, "keys", "rotate-encryption", "--data-dir", folder.DataDir);
        var after = await File.ReadAllTextAsync(keyFile, Token);
        await using var second = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);
        using var reader = second.Client();
        var connection = await reader.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);

        Assert.True(rotate.ExitCode == ExitCodes.Ok, rotate.ToString());
        Assert.Contains("Re-encrypted 1 connection credential(s) under key id", rotate.Error, StringComparison.Ordinal);
        Assert.NotEqual(before, after);
        Assert.False(File.Exists(keyFile + ".next"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.DoesNotContain(before.Trim(), rotate.Output + rotate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(after.Trim(), rotate.Output + rotate.Error, StringComparison.Ordinal);
        Assert.Equal("acme", (string?)connection!["connection_id"]);
    }

    [Fact]
    public async Task RotateEncryption_WithoutACurrentKey_ExitsBadInputAndChangesNothing()
    {
        using var folder = new TempFolder();

        var rotate = await CommandLine.RunAsync(Token, "keys", "rotate-encryption", "--data-dir", folder.DataDir);

        Assert.Equal(ExitCodes.BadInput, rotate.ExitCode);
        Assert.Contains("No current encryption key", rotate.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.DataDir, "encryption.key")));
    }

    [Fact]
    public async Task RemoteVerb_WithSecretKeyFile_ReadsTheKeyFromTheFile()
    {
        using var folder = new TempFolder();
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);
        var keyFile = Path.Combine(folder.Path, "key.txt");
        await File.WriteAllTextAsync(keyFile, server.SecretKey + "\n", Token);

        var run = await CommandLine.RunAsync(Token, "status", "demo", "--url", server.BaseUrl.ToString(), "--secret-key-file", keyFile, "--json");
        var missing = await CommandLine.RunAsync(Token, "status", "demo", "--url", server.BaseUrl.ToString(), "--secret-key-file", keyFile + ".nope");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("\"syncs\"", run.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("--secret-key-file: no such file", missing.Error, StringComparison.Ordinal);
    }

    private static string IdOf(CommandRun list, string name) => Row(list, name)[0];

    /// <summary>The key named <paramref name="name"/> in <c>keys list --json</c>, as the table's columns.</summary>
    private static string[] Row(CommandRun list, string name)
    {
        var key = JsonNode.Parse(list.Output)!.AsArray().Single(k => (string?)k!["name"] == name)!;
        return
        [
            ((long)key["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture),
            (string)key["environment"]!,
            (string)key["name"]!,
            string.Join(',', key["scopes"]!.AsArray().Select(s => (string?)s)),
            (string)key["kind"]!,
            (string)key["created_at"]!,
            (string?)key["revoked_at"] ?? "-",
        ];
    }
}
