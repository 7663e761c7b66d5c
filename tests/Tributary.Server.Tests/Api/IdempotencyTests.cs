using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>The <c>Idempotency-Key</c> header on <c>POST /sync/trigger</c>.</summary>
public sealed class IdempotencyTests
{
    private const string Trigger = """{"provider_config_key":"demo","connection_id":"acme","syncs":["contacts"]}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_SameKeyAfterTheRunFinished_ReplaysTheFirstAnswerAndQueuesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, workers: true);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var first = await TriggerAsync(server, "key-1");
        await server.WaitForRunAsync((string)first.Json["runs"]![0]!["run_id"]!, Token);
        var replay = await TriggerAsync(server, "key-1");
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);

        Assert.Equal(200, first.Status);
        Assert.Null(first.Header("Idempotent-Replayed"));
        Assert.Equal((200, first.Body), (replay.Status, replay.Body));
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Single(runs!["runs"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_SameKeyOtherRequest_IsRefusedAndAppliesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await TriggerAsync(server, "key-1");

        var otherBody = await TriggerAsync(server, "key-1", Trigger.Replace("contacts", "deals", StringComparison.Ordinal));
        var otherHeader = await TriggerAsync(server, "key-1", headers: new() { ["Connection-Id"] = "acme" });
        var tooLong = await TriggerAsync(server, new string('k', 256));
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);

        Assert.Equal((400, "idempotency_key_reused"), (otherBody.Status, (string?)otherBody.Json["error"]!["code"]));
        Assert.NotNull((string?)otherBody.Json["message"]);
        Assert.Equal((400, "idempotency_key_reused"), (otherHeader.Status, (string?)otherHeader.Json["error"]!["code"]));
        Assert.Equal((400, "invalid_idempotency_key"), (tooLong.Status, (string?)tooLong.Json["error"]!["code"]));
        Assert.Equal(["contacts"], runs!["runs"]!.AsArray().Select(r => (string?)r!["sync"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_RefusedFirstAnswer_IsNotRememberedSoTheRetrySucceeds(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var beforeConnection = await TriggerAsync(server, "key-1");
        await server.CreateConnectionAsync("acme", null, Token);
        var retry = await TriggerAsync(server, "key-1");

        Assert.Equal(404, beforeConnection.Status);
        Assert.Equal(200, retry.Status);
        Assert.Null(retry.Header("Idempotent-Replayed"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_KeyOfAnotherEnvironmentOrOlderThanADay_DoesNotReplay(TestDialect dialect)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ApiTestServer.StartAsync(dialect, Token, time: time);
        await server.CreateConnectionAsync("acme", null, Token);
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var other = await control.EnsureEnvironmentAsync("staging", Token);
        var otherSecret = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(other.Id, ApiKeys.Hash(otherSecret), "staging", [ApiKeys.AllScopes], Token);

        var first = await TriggerAsync(server, "key-1");
        var otherEnvironment = await TriggerAsync(server, "key-1", secretKey: otherSecret);
        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var nextDay = await TriggerAsync(server, "key-1");

        Assert.Equal(200, first.Status);

        // The staging environment has no "demo" integration: the key did not carry the dev answer over.
        Assert.Equal((400, "unknown_provider_config"), (otherEnvironment.Status, (string?)otherEnvironment.Json["error"]!["code"]));
        Assert.Equal(200, nextDay.Status);
        Assert.Null(nextDay.Header("Idempotent-Replayed"));
        Assert.Equal("coalesced", (string?)nextDay.Json["runs"]![0]!["outcome"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_KeyHeldByARequestInProgress_Answers409UntilTheHolderIsPresumedDead(TestDialect dialect)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ApiTestServer.StartAsync(dialect, Token, time: time);
        await server.CreateConnectionAsync("acme", null, Token);
        var environment = await server.Services.GetRequiredService<IApiKeyStore>().EnsureEnvironmentAsync("dev", Token);
        var store = server.Services.GetRequiredService<IIdempotencyStore>();
        var now = Tributary.Core.Domain.Micros.Now(time);

        // What a request still running holds: a reservation of the same request (its hash read back from key-1).
        var first = await TriggerAsync(server, "key-1");
        var hash = (await store.ReserveAsync(environment.Id, "key-1", "probe", now, now - 1, Token)).RequestHash!;
        await store.ReserveAsync(environment.Id, "key-2", hash, now, now - 1, Token);
        var held = await TriggerAsync(server, "key-2");
        time.Advance(TimeSpan.FromMinutes(6));
        var takenOver = await TriggerAsync(server, "key-2");

        Assert.Equal(200, first.Status);
        Assert.Equal((409, "idempotency_key_in_use"), (held.Status, (string?)held.Json["error"]!["code"]));
        Assert.Equal(200, takenOver.Status);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_CrashAfterItsCommit_TheRetryReplaysTheStoredAnswerAndAppliesNothing(TestDialect dialect)
    {
        var crashOnce = new CrashAfterCommitOnce();
        await using var server = await TestServer.StartAsync(
            dialect,
            Token,
            engine: e => e.RunWorkers = false,
            services: services => services.AddSingleton<IRunQueueStore>(sp => crashOnce.Wrap(ActivatorUtilities.CreateInstance<SqlRunQueueStore>(sp))));
        await server.CreateConnectionAsync("acme", null, Token);
        const string reset = """{"provider_config_key":"demo","connection_id":"acme","syncs":["contacts"],"opts":{"reset":true}}""";

        var crashed = await TriggerAsync(server, "key-1", reset);
        var retry = await TriggerAsync(server, "key-1", reset);
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);

        Assert.Equal(500, crashed.Status);
        Assert.Equal(1, crashOnce.Crashes);
        Assert.Equal(200, retry.Status);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Equal("queued", (string?)retry.Json["runs"]![0]!["outcome"]);

        // One run: the retry did not apply the trigger (nor its reset) a second time.
        var run = Assert.Single(runs!["runs"]!.AsArray());
        Assert.Equal((string?)retry.Json["runs"]![0]!["run_id"], (string?)run!["id"]);
    }

    /// <summary>A run queue whose first trigger fails after its transaction committed: the process "dies" before answering.</summary>
    private sealed class CrashAfterCommitOnce
    {
        private int _crashes;

        public int Crashes => _crashes;

        public IRunQueueStore Wrap(IRunQueueStore inner) => new Store(inner, this);

        private sealed class Store(IRunQueueStore inner, CrashAfterCommitOnce owner) : ForwardingRunQueueStore(inner)
        {
            public override async Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken)
            {
                var outcomes = await Inner.ApplyTriggerAsync(targets, request, cancellationToken);
                if (Interlocked.Increment(ref owner._crashes) == 1)
                {
                    throw new IOException("Simulated crash after the trigger's commit.");
                }

                Interlocked.Decrement(ref owner._crashes);
                return outcomes;
            }
        }
    }

    private static Task<RawResponse> TriggerAsync(
        TestServer server,
        string key,
        string body = Trigger,
        Dictionary<string, string>? headers = null,
        string? secretKey = null)
    {
        var all = new Dictionary<string, string>(headers ?? []) { ["Idempotency-Key"] = key };
        return ApiTestServer.SendRawAsync(server, HttpMethod.Post, "sync/trigger", body, Token, all, secretKey);
    }
}
