using System.Diagnostics;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>API key scopes (spec §7) and <c>tributary keys create</c>.</summary>
public sealed class ScopeTests
{
    private static readonly JsonObject TriggerBody = new()
    {
        ["provider_config_key"] = "demo",
        ["connection_id"] = "acme",
        ["syncs"] = new JsonArray("contacts"),
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_WithOnlyReadScope_IsForbiddenButStatusWorks(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        using var reader = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:syncs:read");

        var trigger = await Assert.ThrowsAsync<TributaryApiException>(() => reader.TriggerAsync(TriggerBody, Token));
        var status = await reader.StatusAsync("demo", "*", "acme", Token);

        Assert.Equal((403, "forbidden"), (trigger.Status, trigger.Code));
        Assert.Equal(
            """{"error":{"code":"forbidden","message":"Insufficient scope. Required: environment:syncs:execute"},"message":"Insufficient scope. Required: environment:syncs:execute"}""",
            trigger.Body);
        Assert.NotEmpty(status!["syncs"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SyncEndpoints_WithSyncsWildcard_AreAllGranted(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        using var syncs = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:syncs:*");

        var trigger = await syncs.TriggerAsync(TriggerBody, Token);
        var frequency = await FrequencyEndpointTests.UpdateAsync(syncs, "contacts", "acme", "every 2h");
        var variant = await VariantEndpointTests.CreateAsync(syncs, "contacts", "v1");
        var records = await Assert.ThrowsAsync<TributaryApiException>(() => syncs.RecordsAsync("demo", "acme", "Contact", null, null, Token));

        Assert.True((bool)trigger!["success"]!);
        Assert.Equal("2h", (string?)frequency["frequency"]);
        Assert.Equal("v1", (string?)variant["variant"]);
        Assert.Equal((403, "Insufficient scope. Required: environment:records:read"), (records.Status, records.ErrorMessage()));
    }

    /// <summary>Nango: a connection's credentials need <c>environment:connections:read_credentials</c>.</summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetConnection_WithoutTheCredentialsScope_AnswersNoCredentials_AndRefusesAskingForThem(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = "acme",
                ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = "secret-api-key" },
            },
            Token);
        using var reader = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:read");
        using var trusted = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:read", "environment:connections:read_credentials");
        const string Plain = "connections/acme?provider_config_key=demo&force_refresh=false&refresh_token=false&refresh_github_app_jwt_token=false";

        var withoutScope = await reader.SendAsync(HttpMethod.Get, Plain, null, null, Token);
        var withScope = await trusted.SendAsync(HttpMethod.Get, Plain, null, null, Token);
        var refused = new List<TributaryApiException>();
        foreach (var option in new[] { "force_refresh", "refresh_token", "refresh_github_app_jwt_token" })
        {
            refused.Add(await Assert.ThrowsAsync<TributaryApiException>(() => reader.SendAsync(HttpMethod.Get, $"connections/acme?provider_config_key=demo&{option}=true", null, null, Token)));
        }

        Assert.Equal("acme", (string?)withoutScope!["connection_id"]);
        // Nango answers them empty (credentialsToPublicApi), never absent: clients read credentials.type.
        Assert.Empty(withoutScope["credentials"]!.AsObject());
        Assert.DoesNotContain("secret-api-key", withoutScope.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("secret-api-key", (string?)withScope!["credentials"]!["apiKey"]);
        Assert.All(refused, e => Assert.Equal((403, "forbidden", "Insufficient scope. Required: environment:connections:read_credentials"), (e.Status, e.Code, e.ErrorMessage())));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task NangosFinerScopes_GrantWhatNangosRoutesGiveThem_AndNothingElse(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        using var creator = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:create");
        using var updater = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:update");
        using var deleter = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:delete");
        using var lister = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:list");
        using var credentialReader = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:read_credentials");
        using var integrationWriter = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:integrations:write");
        var made = new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "made", ["credentials"] = new JsonObject { ["type"] = "NONE" } };
        var metadata = new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["metadata"] = new JsonObject { ["a"] = 1 } };

        await creator.SendAsync(HttpMethod.Post, "connections", made, null, Token);
        var creatorDeletes = await Assert.ThrowsAsync<TributaryApiException>(() => creator.SendAsync(HttpMethod.Delete, "connections/made?provider_config_key=demo", null, null, Token));
        await updater.SendAsync(HttpMethod.Patch, "connections/metadata", metadata, null, Token);
        var updaterCreates = await Assert.ThrowsAsync<TributaryApiException>(() => updater.SendAsync(HttpMethod.Post, "connections", made, null, Token));
        var listed = await lister.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var listerReadsOne = await Assert.ThrowsAsync<TributaryApiException>(() => lister.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token));
        var read = await credentialReader.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        await deleter.SendAsync(HttpMethod.Delete, "connections/made?provider_config_key=demo", null, null, Token);
        await integrationWriter.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "sample-data", ["unique_key"] = "legacy" }, null, Token);

        Assert.All([creatorDeletes, updaterCreates, listerReadsOne], e => Assert.Equal((403, "forbidden"), (e.Status, e.Code)));
        Assert.Equal(2, listed!["connections"]!.AsArray().Count);
        Assert.Equal("""{"records":20,"a":1}""", read!["metadata"]!.ToJsonString()); // merged by the updater
        var after = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Equal(["acme"], after!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task NewSyncEndpoints_WithoutTheirScope_NameTheScopeRequired(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        using var executor = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:syncs:read", "environment:syncs:execute");
        var body = new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme" };

        var frequency = await Assert.ThrowsAsync<TributaryApiException>(() => FrequencyEndpointTests.UpdateAsync(executor, "contacts", "acme", "every 2h"));
        var create = await Assert.ThrowsAsync<TributaryApiException>(() => executor.SendAsync(HttpMethod.Post, "sync/contacts/variant/v1", body, null, Token));
        var delete = await Assert.ThrowsAsync<TributaryApiException>(() => executor.SendAsync(HttpMethod.Delete, "sync/contacts/variant/v1", body, null, Token));

        Assert.Equal((403, "Insufficient scope. Required: environment:syncs:update"), (frequency.Status, frequency.ErrorMessage()));
        Assert.Equal((403, "Insufficient scope. Required: environment:syncs:variant:create"), (create.Status, create.ErrorMessage()));
        Assert.Equal((403, "Insufficient scope. Required: environment:syncs:variant:delete"), (delete.Status, delete.ErrorMessage()));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task KeysCreate_PrintsAKeyWithExactlyTheGivenScopes(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);

        var (exitCode, output, error) = await RunCliAsync(server, "keys", "create", "--scopes", "environment:syncs:read, environment:records:read", "--name", "reader");
        var secret = output.Trim();
        using var reader = new TributaryClient(server.BaseUrl, secret);
        var status = await reader.StatusAsync("demo", "*", "acme", Token);
        var trigger = await Assert.ThrowsAsync<TributaryApiException>(() => reader.TriggerAsync(TriggerBody, Token));

        Assert.Equal(0, exitCode);
        Assert.True(Guid.TryParse(secret, out _), $"stdout: {output}");
        Assert.Contains("environment:syncs:read, environment:records:read", error, StringComparison.Ordinal);
        Assert.NotEmpty(status!["syncs"]!.AsArray());
        Assert.Equal((403, "Insufficient scope. Required: environment:syncs:execute"), (trigger.Status, trigger.ErrorMessage()));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task KeysCreate_MalformedScope_FailsWithBadInput(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var (exitCode, output, error) = await RunCliAsync(server, "keys", "create", "--scopes", "environment:syncs:read,syncs:execute");

        Assert.Equal(2, exitCode);
        Assert.Empty(output.Trim());
        Assert.Contains("syncs:execute", error, StringComparison.Ordinal);
    }

    /// <summary>Runs the built <c>tributary</c> command against the server's own database.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(TestServer server, params string[] arguments)
    {
        // The CLI is built next to this test assembly (the project builds it without referencing it).
        var cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "Tributary.Cli", "debug", "tributary.dll"));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("TRIBUTARY_DATABASE_URL");
        start.Environment.Remove("TRIBUTARY_DATA_DIR");
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(Path.Combine(server.DataDir, "data"));
        if (server.DatabaseUrl is { } database)
        {
            start.ArgumentList.Add("--database");
            start.ArgumentList.Add(database);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        return (process.ExitCode, await output, await error);
    }
}
