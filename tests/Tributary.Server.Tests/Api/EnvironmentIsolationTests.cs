using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// Fault test "environment isolation" (issue 9): a key of environment B, with every scope, sent to every mapped route
/// with environment A's ids, reads nothing of A and changes nothing of A.
/// </summary>
public sealed class EnvironmentIsolationTests
{
    private const string ConnectionA = "tenant-a-acme-7f3c1d";
    private const string MetadataMarker = "tenant-a-metadata-91d2e8";
    private const string Variant = "tenanta";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly string[] Models = ["Contact", "Company", "Deal"];

    /// <summary>Routes B may answer with 2xx, because the answer is B's own (empty) data; each with what "empty" means.</summary>
    private static readonly Dictionary<(string Path, string Method), Func<JsonNode?, bool>> OwnDataRoutes = new()
    {
        [("/connections", "get")] = body => body?["connections"] is JsonArray { Count: 0 },
        [("/connection", "get")] = body => body?["connections"] is JsonArray { Count: 0 },
        [("/runs", "get")] = body => body?["runs"] is JsonArray { Count: 0 },
        [("/integrations", "get")] = body => body?["data"] is JsonArray { Count: 0 },
        [("/environment-variables", "get")] = body => body is JsonArray { Count: 0 },
        [("/scripts/config", "get")] = body => body is JsonArray { Count: 0 } || body?["data"] is JsonArray { Count: 0 },
        [("/sync/status", "get")] = body => body?["syncs"] is JsonArray { Count: 0 },
        [("/webhooks/deliveries", "get")] = body => body?["deliveries"] is JsonArray { Count: 0 },

        // B's own webhook settings and signing key (every environment has them); A's are not in the answer.
        [("/environment/webhook-settings", "get")] = body => body?["webhook_signing_key"] is not null,
        [("/environment/webhook-settings", "patch")] = body => body?["webhook_signing_key"] is not null,
        [("/environment/webhook-signing-key/rotate", "post")] = body => body?["data"]?["webhook_signing_key"] is not null,

        // B creating an integration of its own (same unique key as A's) is B's business; it must not touch A's.
        [("/integrations", "post")] = body => body is not null,
    };

    private const string PatchBody = """{"end_user":{"id":"b-user"},"tags":{"owner":"b"}}""";

    /// <summary>Routes without tenant data.</summary>
    private static readonly HashSet<(string Path, string Method)> Public =
    [
        ("/health", "get"), ("/openapi.json", "get"),
        // The connect flow's browser routes: a connect session token names the environment, no secret key (ConnectFlowTests).
        ("/", "get"), ("/connect/session", "get"), ("/connect/session", "delete"), ("/oauth/connect/{providerConfigKey}", "get"),
        ("/oauth/callback", "get"), ("/api-auth/api-key/{providerConfigKey}", "post"), ("/api-auth/basic/{providerConfigKey}", "post"),
        ("/oauth2/auth/{providerConfigKey}", "post"),
        // The provider catalogue: the process's templates, the same for every environment (ProviderEndpointTests).
        ("/providers", "get"), ("/providers/{provider}", "get"),
    ];

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task KeyOfEnvironmentB_OnEveryEndpointWithAsIds_ReadsNothingAndChangesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, workers: true);

        // Environment A (the server's key): the demo config's integration, a connection, a run with records, a variant.
        await server.CreateConnectionAsync(ConnectionA, new JsonObject { ["records"] = 12, ["marker"] = MetadataMarker }, Token);
        var run = await server.WaitForRunAsync(await server.TriggerAsync(ConnectionA, "contacts", Token), Token);
        Assert.Equal("succeeded", (string?)run["state"]);
        await VariantEndpointTests.CreateAsync(server.Client, "contacts", Variant, ConnectionA);
        var runId = (string)run["id"]!;
        var records = await EndToEnd.SyncFlowTests.ReadAllRecordsAsync(server, ConnectionA, "Contact", limit: 100);
        var recordIds = records.Select(r => (string)r["id"]!).ToList();
        var cursor = (string)records[^1]["_nango_metadata"]!["cursor"]!;
        Assert.Equal(12, recordIds.Count);
        var before = await SnapshotAsync(server);

        // Environment B: its own key, every scope.
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var environmentB = await control.EnsureEnvironmentAsync("tenant-b", Token);
        var keyB = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(environmentB.Id, ApiKeys.Hash(keyB), "b", ["environment:*"], Token);

        var requests = Requests(runId, recordIds[0], cursor);
        var routes = MappedRoutes(server);
        var uncovered = routes.Where(r => !Public.Contains(r) && !requests.Any(q => q.Route == r)).ToList();
        Assert.True(uncovered.Count == 0, "Routes the isolation test does not call (add them to Requests): " + string.Join(", ", uncovered));
        Assert.True(routes.Count >= 25, $"only {routes.Count} routes found");

        var markers = new List<string> { ConnectionA, MetadataMarker, cursor };
        markers.AddRange(recordIds);
        var failures = new List<string>();
        foreach (var request in requests)
        {
            var response = await ApiTestServer.SendRawAsync(server, request.Method, request.Path, request.Json, Token, request.Headers, keyB);
            var label = $"{request.Method} {request.Path} {request.Json} → {response.Status} {Cut(response.Body)}";
            // A value B sent itself may be echoed (Nango's 404s name the connection asked for); any other is A's data.
            var sent = request.Path + request.Json + string.Concat(request.Headers?.Values ?? Enumerable.Empty<string>());
            var leaked = markers.Where(m => !sent.Contains(m, StringComparison.Ordinal) && response.Body.Contains(m, StringComparison.Ordinal)).ToList();
            if (leaked.Count > 0)
            {
                failures.Add($"{label}: the answer contains A's {string.Join(", ", leaked)}");
            }
            else if (response.Status >= 500)
            {
                failures.Add($"{label}: a server error");
            }
            else if (response.Status < 400)
            {
                if (!OwnDataRoutes.TryGetValue(request.Route, out var isOwn) || !isOwn(JsonNode.Parse(response.Body)))
                {
                    failures.Add($"{label}: answered with data, not a 4xx or an empty result");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Whatever B's calls might have queued must have had its chance to run before A's data is compared.
        await Eventually.TrueAsync(async token => IsIdle(await server.Client.SendAsync(HttpMethod.Get, "runs?limit=100", null, null, token)), TimeSpan.FromSeconds(30), "A's runs to be idle", Token);
        var after = await SnapshotAsync(server);

        Assert.True(requests.Count >= 30, $"only {requests.Count} requests sent");
        foreach (var (what, value) in before)
        {
            Assert.True(value == after[what], $"A's {what} changed:\nbefore {value}\nafter  {after[what]}");
        }
    }

    private static bool IsIdle(JsonNode? runs) =>
        runs?["runs"] is JsonArray list && list.All(r => (string?)r?["state"] is not ("queued" or "running"));

    /// <summary>Everything of A, read with A's key: connections, metadata, syncs' status, runs, records, integrations.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(TestServer server)
    {
        var recordHeaders = new Dictionary<string, string> { ["Connection-Id"] = ConnectionA, ["Provider-Config-Key"] = "demo" };
        var reads = new Dictionary<string, (string Path, Dictionary<string, string>? Headers)>
        {
            ["connections"] = ("connections", null),
            ["connection"] = ($"connections/{ConnectionA}?provider_config_key=demo", null),
            ["status"] = ($"sync/status?provider_config_key=demo&syncs=contacts,deals,contacts::{Variant}&connection_id={ConnectionA}", null),
            ["runs"] = ("runs?limit=100", null),
            ["integrations"] = ("integrations", null),
            ["integration"] = ("integrations/demo", null),
        };
        foreach (var model in Models)
        {
            reads[$"records {model}"] = ($"records?model={model}&limit=1000", recordHeaders);
        }

        var snapshot = new Dictionary<string, string>();
        foreach (var (what, (path, headers)) in reads)
        {
            var answer = await server.Client.SendAsync(HttpMethod.Get, path, null, headers, Token);
            answer!.AsObject().Remove("last_fetched_at"); // the time of the read itself (Nango's), not A's data
            snapshot[what] = answer.ToJsonString();
        }

        Assert.Contains(MetadataMarker, snapshot["connection"], StringComparison.Ordinal);
        Assert.Contains(Variant, snapshot["status"], StringComparison.Ordinal);
        return snapshot;
    }

    /// <summary>
    /// Every route with A's ids in its path, query, headers and body; the bodies are valid, so a refusal is about the
    /// environment and not about the shape of the request. Writes come after the reads, deletions last.
    /// </summary>
    private static List<IsolationRequest> Requests(string runId, string recordId, string cursor)
    {
        var headers = new Dictionary<string, string> { ["Connection-Id"] = ConnectionA, ["Provider-Config-Key"] = "demo" };
        var connection = $$"""{"provider_config_key":"demo","connection_id":"{{ConnectionA}}"}""";
        var syncs = $$"""{"provider_config_key":"demo","connection_id":"{{ConnectionA}}","syncs":["contacts"]}""";
        var integrationSyncs = """{"provider_config_key":"demo","syncs":["contacts"]}""";
        return
        [
            new("/connections", "get", "connections", null),
            new("/connect/sessions", "post", "connect/sessions", """{"end_user":{"id":"u"},"allowed_integrations":["demo"]}"""),
            new("/connect/sessions/reconnect", "post", "connect/sessions/reconnect", $$"""{"connection_id":"{{ConnectionA}}","integration_id":"demo"}"""),
            new("/connections", "get", $"connections?connectionId={ConnectionA}", null),
            new("/connections/{connectionId}", "get", $"connections/{ConnectionA}?provider_config_key=demo", null),
            new("/sync/status", "get", $"sync/status?provider_config_key=demo&syncs=contacts&connection_id={ConnectionA}", null),
            new("/sync/status", "get", $"sync/status?provider_config_key=demo&syncs=contacts,deals,contacts::{Variant}", null),
            new("/runs", "get", "runs?limit=100", null),
            new("/runs", "get", $"runs?connection_id={ConnectionA}", null),
            new("/runs", "get", "runs?provider_config_key=demo", null),
            new("/runs/{id}", "get", $"runs/{runId}", null),
            new("/runs/{id}/logs", "get", $"runs/{runId}/logs", null),
            new("/records", "get", "records?model=Contact", null, headers),
            new("/records", "get", $"records?model=Contact&ids={recordId}", null, headers),
            new("/records", "get", $"records?model=Contact::{Variant}", null, headers),
            new("/integrations", "get", "integrations", null),
            new("/integrations/{key}", "get", "integrations/demo", null),
            new("/integrations/{key}", "get", "integrations/demo?include=webhook", null),
            new("/environment-variables", "get", "environment-variables", null),
            new("/scripts/config", "get", "scripts/config", null),
            new("/scripts/config", "get", "scripts/config?format=openai", null),
            new("/environment/webhook-settings", "get", "environment/webhook-settings", null),
            new("/webhooks/deliveries", "get", $"webhooks/deliveries?connection_id={ConnectionA}", null),

            // The proxy with A's connection: B's key must not reach A's provider with A's credentials.
            new("/proxy/{**endpoint}", "get", "proxy/anything", null, headers),
            new("/proxy/{**endpoint}", "post", "proxy/anything", """{"a":1}""", headers),
            new("/proxy/{**endpoint}", "put", "proxy/anything", """{"a":1}""", headers),
            new("/proxy/{**endpoint}", "patch", "proxy/anything", """{"a":1}""", headers),
            new("/proxy/{**endpoint}", "delete", "proxy/anything", null, headers),

            new("/sync/trigger", "post", "sync/trigger", syncs),
            new("/sync/trigger", "post", "sync/trigger", $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","syncs":["contacts"],"opts":{"reset":true,"emptyCache":true}}"""),
            new("/sync/trigger", "post", "sync/trigger", integrationSyncs),
            new("/sync/pause", "post", "sync/pause", syncs),
            new("/sync/pause", "post", "sync/pause", integrationSyncs),
            new("/sync/start", "post", "sync/start", syncs),
            new("/sync/update-connection-frequency", "put", "sync/update-connection-frequency",
                $$"""{"sync_name":"contacts","provider_config_key":"demo","connection_id":"{{ConnectionA}}","frequency":"every 2h"}"""),
            new("/sync/{name}/variant/{variant}", "post", "sync/contacts/variant/other", connection),
            new("/runs/{id}/cancel", "post", $"runs/{runId}/cancel", null),
            new("/webhooks/deliveries/{id}/retry", "post", "webhooks/deliveries/1/retry", null),
            new("/environment/webhook-settings", "patch", "environment/webhook-settings", """{"on_sync_error":false}"""),
            new("/environment/webhook-signing-key/rotate", "post", "environment/webhook-signing-key/rotate", null),
            new("/records/prune", "patch", "records/prune", $$"""{"model":"Contact","until_cursor":"{{cursor}}"}""", headers),
            new("/connections/metadata", "post", "connections/metadata",
                $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","metadata":{"records":1}}"""),
            new("/connections/metadata", "patch", "connections/metadata",
                $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","metadata":{"records":1}}"""),
            new("/connections/metadata", "post", "connections/metadata",
                $$$"""{"provider_config_key":"demo","connection_id":["{{{ConnectionA}}}"],"metadata":{"records":1}}"""),
            new("/integrations/{key}", "patch", "integrations/demo", """{"display_name":"taken over"}"""),
            new("/connections", "post", "connections",
                $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","credentials":{"type":"NONE"},"metadata":{"records":1}}"""),

            new("/sync/{name}/variant/{variant}", "delete", $"sync/contacts/variant/{Variant}", connection),
            new("/connections/{connectionId}", "patch", $"connections/{ConnectionA}?provider_config_key=demo", PatchBody),
            new("/connection", "get", $"connection?connectionId={ConnectionA}", null),
            new("/connection/{connectionId}", "get", $"connection/{ConnectionA}?provider_config_key=demo", null),
            new("/connection/metadata", "post", "connection/metadata",
                $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","metadata":{"records":1}}"""),
            new("/connection/metadata", "patch", "connection/metadata",
                $$$"""{"provider_config_key":"demo","connection_id":"{{{ConnectionA}}}","metadata":{"records":1}}"""),
            new("/connection/{connectionId}/metadata", "post", $"connection/{ConnectionA}/metadata?provider_config_key=demo", """{"records":1}"""),
            new("/connection/{connectionId}/metadata", "patch", $"connection/{ConnectionA}/metadata?provider_config_key=demo", """{"records":1}"""),
            new("/connection/{connectionId}", "delete", $"connection/{ConnectionA}?provider_config_key=demo", null),
            new("/connections/{connectionId}", "delete", $"connections/{ConnectionA}?provider_config_key=demo", null),
            new("/integrations/{key}", "delete", "integrations/demo", null),

            // Last: B's own integration with A's unique key; nothing after it may reach A's through it.
            new("/integrations", "post", "integrations", """{"provider":"sample-data","unique_key":"demo"}"""),
        ];
    }

    /// <summary>(path, lower-case method) of every route the server maps, as the route table has them.</summary>
    private static List<(string Path, string Method)> MappedRoutes(TestServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => ("/" + e.RoutePattern.RawText!.TrimStart('/'), m.ToLowerInvariant())))
            .Distinct()
            .ToList();

    private static string Cut(string body) => body.Length <= 300 ? body : body[..300] + "…";

    private sealed record IsolationRequest(string Template, string Verb, string Path, string? Json, Dictionary<string, string>? Headers = null)
    {
        public (string Path, string Method) Route => (Template, Verb);

        public HttpMethod Method => new(Verb.ToUpperInvariant());
    }
}
