using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Tests.Webhooks;

/// <summary>The webhook bodies byte for byte: Nango's fields, compact, keys sorted at every level, JSON.stringify's escaping.</summary>
public sealed class SyncWebhookPayloadsTests
{
    // 2026-01-02T03:04:05.678901Z in unix microseconds.
    private const long Start = 1_767_323_045_678_901;

    private static readonly SyncRunFacts Run = new(
        4812, "schedule", "acme", "hubspot", "contacts", "base", ["Contact", "Company"], Start, Start - 3_600_000_000, null);

    [Fact]
    public void Success_IsNangosBodyWithSortedKeys_AndOurRunIdAndTrigger()
    {
        var body = SyncWebhookPayloads.Success(Run, "Contact", new ModelCounts { Added = 3, Updated = 2, Deleted = 1 });

        Assert.Equal(
            """{"connectionId":"acme","from":"nango","model":"Contact","modifiedAfter":"2026-01-02T03:04:05.678Z","providerConfigKey":"hubspot","queryTimeStamp":"2026-01-02T03:04:05.678Z","responseResults":{"added":3,"deleted":1,"updated":2},"success":true,"syncName":"contacts","syncType":"INCREMENTAL","syncVariant":"base","tributaryRunId":"4812","tributaryTrigger":"schedule","type":"sync"}""",
            body);
    }

    [Fact]
    public void Success_OfAFirstRunThatSavedItsCheckpoint_IsInitialWithCheckpointsSortedInside()
    {
        var run = Run with
        {
            PreviousLastSyncDate = null,
            Checkpoints = new CheckpointChange(null, new JsonObject { ["z"] = 1, ["a"] = "x\"\n\u0001" }),
        };

        var body = SyncWebhookPayloads.Success(run, "Company", new ModelCounts());

        Assert.Equal(
            """{"checkpoints":{"from":null,"to":{"a":"x\"\n\u0001","z":1}},"connectionId":"acme","from":"nango","model":"Company","modifiedAfter":"2026-01-02T03:04:05.678Z","providerConfigKey":"hubspot","queryTimeStamp":"2026-01-02T03:04:05.678Z","responseResults":{"added":0,"deleted":0,"updated":0},"success":true,"syncName":"contacts","syncType":"INITIAL","syncVariant":"base","tributaryRunId":"4812","tributaryTrigger":"schedule","type":"sync"}""",
            body);
    }

    public static TheoryData<string, string, string, bool, string?> SuccessCases => new()
    {
        { "acme", "Contact", "schedule", false, null },
        { "quote\"back\\slash", "Ünïcode 😀", "api", true, """{"z":[1,{"b":2,"a":null}],"a":"x\"\n\u0001","é":true}""" },
        { "ctl\u0001\t\r\n\b\f", "lone\ud800x\udc00", "retry", true, """{}""" },
        { "line\u2028sep", "", "schedule", false, """{"big":12345678901234567890,"f":1.5e3,"neg":-0}""" },
    };

    [Theory]
    [MemberData(nameof(SuccessCases))]
    public void Success_OfAnyNamesAndCheckpoints_IsByteForByteTheSortedSerializationOfNangosFields(
        string connectionId, string model, string trigger, bool incremental, string? checkpointTo)
    {
        var to = checkpointTo is null ? null : JsonNode.Parse(checkpointTo)!.AsObject();
        var run = Run with
        {
            ConnectionId = connectionId,
            TriggerSource = trigger,
            PreviousLastSyncDate = incremental ? Start - 1 : null,
            Checkpoints = to is null ? null : new CheckpointChange(incremental ? new JsonObject { ["y"] = "old", ["b"] = 1 } : null, to),
        };
        var counts = new ModelCounts { Added = int.MaxValue, Updated = 0, Deleted = 7 };

        // Nango's fields as a tree of their own, sorted by SortedJson: Success must add no field, drop none and escape
        // the awkward names and checkpoints (quotes, control characters, lone surrogates, U+2028, big numbers) as it does.
        var tree = new JsonObject
        {
            ["from"] = "nango",
            ["type"] = "sync",
            ["connectionId"] = run.ConnectionId,
            ["providerConfigKey"] = run.ProviderConfigKey,
            ["syncName"] = run.SyncName,
            ["syncVariant"] = run.SyncVariant,
            ["model"] = model,
            ["syncType"] = incremental ? "INCREMENTAL" : "INITIAL",
            ["success"] = true,
            ["tributaryRunId"] = "4812",
            ["tributaryTrigger"] = trigger,
            ["responseResults"] = new JsonObject { ["added"] = counts.Added, ["updated"] = counts.Updated, ["deleted"] = counts.Deleted },
            ["modifiedAfter"] = "2026-01-02T03:04:05.678Z",
            ["queryTimeStamp"] = "2026-01-02T03:04:05.678Z",
        };
        if (run.Checkpoints is { } checkpoints)
        {
            tree["checkpoints"] = new JsonObject { ["from"] = checkpoints.From?.DeepClone(), ["to"] = checkpoints.To?.DeepClone() };
        }

        Assert.Equal(SortedJson.Serialize(tree), SyncWebhookPayloads.Success(run, model, counts));
    }

    [Fact]
    public void Failure_JoinsTheModels_AndStartsAtTheRunsStart_NotNangosLastSuccess()
    {
        var body = SyncWebhookPayloads.Failure(Run, "boom ü", Start + 5_000_000);

        Assert.Equal(
            """{"connectionId":"acme","error":{"description":"boom ü","type":"script_error"},"failedAt":"2026-01-02T03:04:10.678Z","from":"nango","model":"Contact,Company","providerConfigKey":"hubspot","startedAt":"2026-01-02T03:04:05.678Z","success":false,"syncName":"contacts","syncType":"INCREMENTAL","syncVariant":"base","tributaryRunId":"4812","tributaryTrigger":"schedule","type":"sync"}""",
            body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("boom \"ü\" \ud800\n")]
    public void RunSummary_IsByteForByteTheSortedSerializationOfItsTree_WithOurTypeOverNangos(string? error)
    {
        var run = Run with { Checkpoints = new CheckpointChange(new JsonObject { ["b"] = 1, ["A"] = null }, null) };
        var counts = new Dictionary<string, ModelCounts>(StringComparer.Ordinal)
        {
            ["contact"] = new() { Added = 1 },
            ["Contact"] = new() { Updated = 2 },
            ["Ärger"] = new() { Deleted = 3 },
        };

        var tree = new JsonObject
        {
            ["from"] = "nango",
            ["type"] = "tributary_sync_run",
            ["connectionId"] = "acme",
            ["providerConfigKey"] = "hubspot",
            ["syncName"] = "contacts",
            ["syncVariant"] = "base",
            ["model"] = "Contact,Company",
            ["syncType"] = "INCREMENTAL",
            ["success"] = error is null,
            ["tributaryRunId"] = "4812",
            ["tributaryTrigger"] = "schedule",
            ["checkpoints"] = new JsonObject { ["from"] = new JsonObject { ["b"] = 1, ["A"] = null }, ["to"] = null },
            ["models"] = new JsonObject
            {
                ["contact"] = new JsonObject { ["added"] = 1, ["updated"] = 0, ["deleted"] = 0 },
                ["Contact"] = new JsonObject { ["added"] = 0, ["updated"] = 2, ["deleted"] = 0 },
                ["Ärger"] = new JsonObject { ["added"] = 0, ["updated"] = 0, ["deleted"] = 3 },
            },
            ["modifiedAfter"] = "2026-01-02T03:04:05.678Z",
            ["finishedAt"] = "2026-01-02T03:04:10.678Z",
        };
        if (error is not null)
        {
            tree["error"] = new JsonObject { ["type"] = "script_error", ["description"] = error };
        }

        var body = SyncWebhookPayloads.RunSummary(run, counts, error, Start + 5_000_000);

        Assert.Equal(SortedJson.Serialize(tree), body);
        Assert.DoesNotContain("\"type\":\"sync\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void SortedJson_OrdersKeysByUtf16CodeUnit_AndEscapesLoneSurrogatesLikeJsonStringify()
    {
        var node = new JsonObject { ["b"] = 1, ["B"] = 2, ["é"] = 3, ["s"] = "\ud800x😀\u2028" };

        Assert.Equal("{\"B\":2,\"b\":1,\"s\":\"\\ud800x😀\u2028\",\"é\":3}", SortedJson.Serialize(node));
    }

    /// <summary>
    /// The expected order is Node's: <c>const tmp = {}; for (const k of keys.sort()) tmp[k] = 1; JSON.stringify(tmp)</c>
    /// (what fast-safe-stringify's stable mode does) lists the array indices first, by value.
    /// </summary>
    [Fact]
    public void SortedJson_AndSortedJsonObject_ListArrayIndexKeysFirstByValue_AsNangosStableStringifyDoes()
    {
        string[] keys = ["10", "9", "a", "01", "$", "4294967295", "4294967294", "0", "-1", "Z", "1.5"];
        const string Expected = "{\"0\":1,\"9\":1,\"10\":1,\"4294967294\":1,\"$\":1,\"-1\":1,\"01\":1,\"1.5\":1,\"4294967295\":1,\"Z\":1,\"a\":1}";
        var tree = new JsonObject();
        var list = new SortedJsonObject();
        foreach (var key in keys)
        {
            tree[key] = 1;
            list.Set(key, 1L);
        }

        Assert.Equal(Expected, SortedJson.Serialize(tree));
        Assert.Equal(Expected, list.Serialize());
        Assert.Equal($"{{\"checkpoints\":{{\"from\":null,\"to\":{Expected}}}}}", new SortedJsonObject().Set("checkpoints", new SortedJsonObject().Set("to", tree.DeepClone()).Set("from", (JsonNode?)null)).Serialize());
    }

    [Fact]
    public void SortedJson_EscapesAnyStringAsJsonStringifyDoes_CharacterByCharacter()
    {
        // Strings drawn from the characters escaping cares about (quote, backslash, controls, both surrogate halves)
        // among plain ASCII and other BMP text, in runs of any length: the block copy must write what a character-by-
        // character JSON.stringify writes (the reference below, kept naive on purpose).
        char[] alphabet = ['a', 'Z', '0', ' ', '~', '"', '\\', '\u0000', '\u001f', '\n', '\t', '\b', '\f', '\r', 'é', '\u2028', '\ud83d', '\ude00', '\ud800', '\udfff', '\uffff'];
        var random = new Random(20261207);
        for (var sample = 0; sample < 2_000; sample++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

            Assert.Equal(StringifyReference(value), SortedJson.Serialize(JsonValue.Create(value)));
        }
    }

    private static string StringifyReference(string value)
    {
        var text = new System.Text.StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var lone = (char.IsHighSurrogate(c) && (i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1])))
                || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' || lone => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    [Fact]
    public void Planner_SendsTheModelsInTheOrderTheSyncDeclaresThem_NotAlphabetically()
    {
        // Nango loops over the sync config's models; deliveries of a connection keep this order at the receiver.
        var counts = new SortedDictionary<string, ModelCounts>(StringComparer.Ordinal)
        {
            ["Company"] = new() { Added = 1 },
            ["Contact"] = new() { Added = 1 },
            ["Zed"] = new() { Added = 1 },
        };
        var settings = WebhookSettings.Default with { PrimaryUrl = "http://a" };

        var webhooks = SyncWebhookPlanner.Succeeded(settings, null, Run, new OutboxAddress(1, 2, "acme", "hubspot"), counts, Start);

        Assert.Equal(["Contact", "Company", "Zed"], webhooks.Select(w => (string?)System.Text.Json.Nodes.JsonNode.Parse(w.Body)!["model"]));
    }

    [Fact]
    public void Planner_SkipsUnchangedModelsUnlessAlways_SendsToBothUrls_AndTheOverrideAlone()
    {
        var address = new OutboxAddress(1, 2, "acme", "hubspot");
        var counts = new SortedDictionary<string, ModelCounts>(StringComparer.Ordinal)
        {
            ["Company"] = new(),
            ["Contact"] = new() { Added = 1 },
        };
        var settings = WebhookSettings.Default with { PrimaryUrl = "http://a", SecondaryUrl = "http://b", OnSyncCompletionAlways = false };

        var changedOnly = SyncWebhookPlanner.Succeeded(settings, null, Run, address, counts, Start);
        var always = SyncWebhookPlanner.Succeeded(settings with { OnSyncCompletionAlways = true }, null, Run, address, counts, Start);
        var overridden = SyncWebhookPlanner.Succeeded(settings, "http://c", Run, address, counts, Start);
        var noUrl = SyncWebhookPlanner.Succeeded(WebhookSettings.Default, null, Run, address, counts, Start);
        var failedMuted = SyncWebhookPlanner.Failed(settings with { OnSyncError = false }, null, Run, address, counts, "x", Start);
        var summary = SyncWebhookPlanner.Failed(settings with { OnSyncError = false, OnSyncRunSummary = true }, null, Run, address, counts, "x", Start);

        Assert.Equal(["http://a", "http://b"], changedOnly.Select(w => w.Url));
        Assert.All(changedOnly, w => Assert.Contains("\"model\":\"Contact\"", w.Body, StringComparison.Ordinal));
        Assert.Equal(4, always.Count);
        Assert.Equal(["http://c"], overridden.Select(w => w.Url));
        Assert.Empty(noUrl);
        Assert.Empty(failedMuted);
        Assert.Equal([WebhookEvents.SyncRun, WebhookEvents.SyncRun], summary.Select(w => w.Event));
        Assert.Contains("\"models\":{\"Company\":{\"added\":0,\"deleted\":0,\"updated\":0},\"Contact\":{\"added\":1,", summary[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Signatures_AreHmacSha256AndLegacySha256OfKeyThenBody_InLowerHex()
    {
        // Reference values from Node: crypto.createHmac('sha256', 'k').update('{}') and createHash('sha256').update('k{}').
        Assert.Equal("add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff", WebhookSignature.Hmac("k", "{}"));
        Assert.Equal("07cb9a0b2be7b75767c103f5d370b366cfc3072d67c592a4fb6fcd1408d36934", WebhookSignature.Legacy("k", "{}"));
    }

    [Fact]
    public void Sign_WithContextsKeptPerThreadAndKey_SignsEachBodyAsIfAlone_WhateverKeysOrThreadsCameBefore()
    {
        var empty = WebhookSignature.Sign("k", "{}"u8);
        var again = WebhookSignature.Sign("k", "{}"u8);
        var otherKey = WebhookSignature.Sign("k2", "{}"u8);
        var back = WebhookSignature.Sign("k", "{\"a\":1}"u8);

        // The reference values of the test above: a reused context must not carry the last body or key over.
        Assert.Equal(new SignatureHeaders("07cb9a0b2be7b75767c103f5d370b366cfc3072d67c592a4fb6fcd1408d36934", "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff"), empty);
        Assert.Equal(empty, again);
        Assert.Equal(new SignatureHeaders(WebhookSignature.Legacy("k2", "{}"), WebhookSignature.Hmac("k2", "{}")), otherKey);
        Assert.Equal(new SignatureHeaders(WebhookSignature.Legacy("k", "{\"a\":1}"), WebhookSignature.Hmac("k", "{\"a\":1}")), back);

        // Threads sign at once with more keys than a thread keeps (a multi-byte one too) and different bodies; each
        // answer is the one-shot's.
        string[] keys = ["k", "clé-ü", "k3", "k4", "k5", "k6"];
        var wrong = 0;
        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var key = keys[i % keys.Length];
            var body = $"{{\"n\":{i}}}";
            var signed = WebhookSignature.Sign(key, System.Text.Encoding.UTF8.GetBytes(body));
            if (signed != new SignatureHeaders(WebhookSignature.Legacy(key, body), WebhookSignature.Hmac(key, body)))
            {
                Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }
}
