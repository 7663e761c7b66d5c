using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tributary.Sdk;
using Tributary.Sdk.Testing;

namespace Tributary.Functions.SampleData.Tests;

public class SampleDataSyncFunctionTests
{
    private static readonly string[] AllModels = ["Contact", "Company", "Deal"];
    private static readonly string[] DealStages = ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"];

    [Fact]
    public async Task RunAsync_FirstRun_SavesConfiguredRecordsPerModelInBatches()
    {
        var context = NewContext(Metadata(records: 250, batchSize: 100));

        await RunAsync(context);

        foreach (var model in AllModels)
        {
            Assert.Equal(250, context.LiveRecordsOf(model).Count);
            Assert.Equal(new BatchResult(250, 0, 0, 0), context.ChangesOf(model));
        }

        Assert.Equal(9, context.SaveCalls);
        Assert.Equal(0, context.DeleteCalls);
        Assert.Equal(100, context.LargestBatch);
        var checkpoint = context.StoredCheckpoint!;
        Assert.Equal(0, checkpoint["generation"]!.GetValue<int>());
        Assert.True(checkpoint["complete"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RunAsync_FirstRun_WritesRecordsWithDocumentedFieldsAndConsistentReferences()
    {
        var context = NewContext(Metadata(records: 20));

        await RunAsync(context);

        var contact = context.Find("Contact", "contact-000001")!.Payload;
        Assert.Equal(
            new[] { "id", "first_name", "last_name", "email", "phone", "title", "company_id", "created_at", "updated_generation", "notes" },
            contact.Select(property => property.Key));
        Assert.Equal(0, contact["updated_generation"]!.GetValue<int>());
        Assert.EndsWith("@example.com", contact["email"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(context.Find("Company", contact["company_id"]!.GetValue<string>()));
        Assert.Equal("2024-01-01T00:00:", contact["created_at"]!.GetValue<string>()[..17]);

        var company = context.Find("Company", "company-000001")!.Payload;
        Assert.Equal(
            new[] { "id", "name", "domain", "industry", "employees", "annual_revenue", "created_at", "updated_generation", "notes" },
            company.Select(property => property.Key));

        foreach (var deal in context.LiveRecordsOf("Deal"))
        {
            var dealContact = context.Find("Contact", deal.Payload["contact_id"]!.GetValue<string>())!.Payload;
            Assert.Equal(dealContact["company_id"]!.GetValue<string>(), deal.Payload["company_id"]!.GetValue<string>());
            Assert.Contains(deal.Payload["stage"]!.GetValue<string>(), DealStages);
            Assert.Matches(@"^\d+\.\d\d$", deal.Payload["amount"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task RunAsync_SecondRun_WritesOnlyAFewChanges()
    {
        const int records = 2000;
        var context = NewContext(Metadata(records, changeRate: 0.1, batchSize: 500));
        await RunAsync(context);
        var before = AllModels.ToDictionary(model => model, model => Snapshot(context, model).ToHashSet());
        context.StartNextRun();

        await RunAsync(context);

        foreach (var model in AllModels)
        {
            var changes = context.ChangesOf(model);
            Assert.Equal(20, changes.Added);
            Assert.InRange(changes.Updated, 140, 260);
            Assert.InRange(changes.Deleted, 5, 45);
            Assert.Equal(0, changes.Unchanged);
            Assert.Equal(records + changes.Added - changes.Deleted, context.LiveRecordsOf(model).Count);

            var after = Snapshot(context, model);
            var changed = after.Count(record => !before[model].Contains(record));
            Assert.Equal(changes.Added + changes.Updated + changes.Deleted, changed);
        }

        Assert.Equal(1, context.StoredCheckpoint!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_UpdatedRecord_ChangesItsValuesAndGeneration()
    {
        var context = NewContext(Metadata(records: 200, changeRate: 0.2));
        await RunAsync(context);
        var original = context.RecordsOf("Contact").ToDictionary(record => record.Id, record => record.Payload);

        await RunAsync(context);

        var updated = context.LiveRecordsOf("Contact")
            .Where(record => original.ContainsKey(record.Id) && record.Payload["updated_generation"]!.GetValue<int>() == 1)
            .ToList();
        Assert.NotEmpty(updated);
        foreach (var record in updated)
        {
            var old = original[record.Id];
            Assert.NotEqual(old["notes"]!.GetValue<string>(), record.Payload["notes"]!.GetValue<string>());
            Assert.Equal(old["email"]!.GetValue<string>(), record.Payload["email"]!.GetValue<string>());
            Assert.Equal(old["created_at"]!.GetValue<string>(), record.Payload["created_at"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task RunAsync_ZeroChangeRate_LaterRunWritesNothing()
    {
        var context = NewContext(Metadata(records: 100, changeRate: 0));
        await RunAsync(context);
        context.StartNextRun();

        await RunAsync(context);

        Assert.Equal(0, context.WriteCalls);
        Assert.Equal(1, context.StoredCheckpoint!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_DeleteRate_DeletesThatShareOfLiveRecordsInEveryModelAlike()
    {
        var context = NewContext(Metadata(records: 5000, changeRate: 0.1, deleteRate: 0.1, batchSize: 1000));
        await RunAsync(context);
        context.StartNextRun();

        await RunAsync(context);

        var deleted = context.ChangesOf("Contact").Deleted;
        Assert.InRange(deleted, 400, 600);
        Assert.Equal(deleted, context.ChangesOf("Company").Deleted);
        Assert.Equal(deleted, context.ChangesOf("Deal").Deleted);
        var deletedContact = context.RecordsOf("Contact").First(record => record.IsDeleted);
        Assert.True(deletedContact.Payload.Count > 1, "a delete keeps the last payload");
    }

    [Fact]
    public async Task RunAsync_SmallDatasetLaterGeneration_StillAddsOneNewRecord()
    {
        var context = NewContext(Metadata(records: 5, changeRate: 0.1));
        await RunAsync(context);
        context.StartNextRun();

        await RunAsync(context);

        Assert.All(AllModels, model => Assert.Equal(1, context.ChangesOf(model).Added));
        var newest = context.LiveRecordsOf("Contact")[^1];
        Assert.True(string.CompareOrdinal(newest.Id, "contact-000005") > 0, $"{newest.Id} should be a new id after contact-000005");
        Assert.Equal(1, newest.Payload["updated_generation"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.1, 1)]
    public async Task RunAsync_DeleteRateOne_DeletesEveryLiveRecordAndKeepsOnlyNewOnes(double changeRate, int newPerGeneration)
    {
        var context = NewContext(Metadata(records: 100, changeRate: changeRate, deleteRate: 1));
        await RunAsync(context);

        for (var generation = 1; generation <= 3; generation++)
        {
            var liveBefore = context.LiveRecordsOf("Contact").Count;
            context.StartNextRun();

            await RunAsync(context);

            Assert.Equal(liveBefore, context.ChangesOf("Contact").Deleted);
            Assert.Equal(newPerGeneration, context.ChangesOf("Contact").Added);
            Assert.Equal(newPerGeneration, context.LiveRecordsOf("Contact").Count);
        }
    }

    [Fact]
    public async Task RunAsync_ManyGenerations_NeverRevivesOrRedeletesAndAddsTheSameNumberEachTime()
    {
        // Hazard grows by −ln(0.7) ≈ 0.36 per generation, so 40 generations cross several bands and drop old ones.
        var context = NewContext(Metadata(records: 200, changeRate: 0.5, deleteRate: 0.3, batchSize: 1000));
        await RunAsync(context);
        var everDeleted = new HashSet<string>(StringComparer.Ordinal);

        for (var generation = 1; generation <= 40; generation++)
        {
            context.StartNextRun();
            await RunAsync(context);

            foreach (var model in AllModels)
            {
                var changes = context.ChangesOf(model);
                Assert.Equal(10, changes.Added);
                Assert.Equal(0, changes.Unchanged);
            }

            var live = context.LiveRecordsOf("Contact").Select(record => record.Id).ToList();
            Assert.DoesNotContain(live, everDeleted.Contains);
            everDeleted.UnionWith(context.RecordsOf("Contact").Where(record => record.IsDeleted).Select(record => record.Id));
            Assert.Equal(live.Select(NumberOf), context.LiveRecordsOf("Deal").Select(record => NumberOf(record.Id)));
        }

        // New ids arrive at 10 per generation and 30 % of the live ones go, so the live count settles near 10 / 0.3.
        Assert.InRange(context.LiveRecordsOf("Contact").Count, 15, 60);
        Assert.Equal(40, context.StoredCheckpoint!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_SameSeedAndGeneration_ProducesIdenticalRecords()
    {
        var first = NewContext(Metadata(records: 300, changeRate: 0.2, seed: 7));
        var second = NewContext(Metadata(records: 300, changeRate: 0.2, seed: 7));

        for (var run = 0; run < 3; run++)
        {
            await RunAsync(first);
            await RunAsync(second);
        }

        foreach (var model in AllModels)
        {
            Assert.NotEmpty(Snapshot(first, model));
            Assert.Equal(Snapshot(first, model), Snapshot(second, model));
        }
    }

    [Fact]
    public async Task RunAsync_DifferentSeeds_ProduceDifferentRecords()
    {
        var first = NewContext(Metadata(records: 50, seed: 1));
        var second = NewContext(Metadata(records: 50, seed: 2));

        await RunAsync(first);
        await RunAsync(second);

        Assert.NotEqual(Snapshot(first, "Contact"), Snapshot(second, "Contact"));
    }

    [Fact]
    public async Task RunAsync_SeedChangedAfterFirstRun_KeepsTheCheckpointSeed()
    {
        var changed = NewContext(Metadata(records: 100, changeRate: 0.3, seed: 1));
        var unchanged = NewContext(Metadata(records: 100, changeRate: 0.3, seed: 1));
        await RunAsync(changed);
        await RunAsync(unchanged);
        changed.StoredMetadata["seed"] = 2;

        await RunAsync(changed);
        await RunAsync(unchanged);

        Assert.Equal(Snapshot(unchanged, "Contact"), Snapshot(changed, "Contact"));
        Assert.Contains(changed.LogEntries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("seed 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_FailedFirstRun_ResumesFromCheckpointAndMatchesUninterruptedRun()
    {
        var interrupted = NewContext(Metadata(records: 300, batchSize: 50, failAfterBatches: 8));
        var uninterrupted = NewContext(Metadata(records: 300, batchSize: 50));

        var failure = await Assert.ThrowsAsync<SampleDataInjectedFailureException>(() => RunAsync(interrupted));

        Assert.Equal(8, failure.Batches);
        Assert.Equal(8, interrupted.SaveCalls);
        var checkpoint = interrupted.StoredCheckpoint!;
        Assert.False(checkpoint["complete"]!.GetValue<bool>());
        Assert.Equal("Contact", checkpoint["model"]!.GetValue<string>());
        Assert.Equal(100, checkpoint["offset"]!.GetValue<long>());

        interrupted.StoredMetadata.Remove("fail_after_batches");
        interrupted.StartNextRun();
        await RunAsync(interrupted);
        await RunAsync(uninterrupted);

        Assert.Equal(new BatchResult(0, 0, 0, 0), interrupted.ChangesOf("Company"));
        Assert.Equal(new BatchResult(200, 0, 0, 0), interrupted.ChangesOf("Contact"));
        Assert.Equal(new BatchResult(300, 0, 0, 0), interrupted.ChangesOf("Deal"));
        foreach (var model in AllModels)
        {
            Assert.Equal(Snapshot(uninterrupted, model), Snapshot(interrupted, model));
        }
    }

    [Fact]
    public async Task RunAsync_RepeatedFailuresInALaterGeneration_EachRunProgressesAndEndsLikeAnUninterruptedRun()
    {
        var interrupted = NewContext(Metadata(records: 1000, changeRate: 0.3, batchSize: 20));
        var uninterrupted = NewContext(Metadata(records: 1000, changeRate: 0.3, batchSize: 20));
        await RunAsync(interrupted);
        await RunAsync(uninterrupted);
        interrupted.StoredMetadata["fail_after_batches"] = 3;
        interrupted.StartNextRun();

        var failures = 0;
        while (true)
        {
            try
            {
                await RunAsync(interrupted);
                break;
            }
            catch (SampleDataInjectedFailureException)
            {
                failures++;
                Assert.True(failures < 100, "every failed run must make progress");
            }
        }

        await RunAsync(uninterrupted);
        Assert.True(failures > 3);
        Assert.Equal(1, interrupted.StoredCheckpoint!["generation"]!.GetValue<int>());
        foreach (var model in AllModels)
        {
            Assert.Equal(0, interrupted.ChangesOf(model).Unchanged);
            Assert.Equal(Snapshot(uninterrupted, model), Snapshot(interrupted, model));
        }
    }

    [Fact]
    public async Task RunAsync_InterruptedModelNoLongerDeclared_RedoesTheGenerationForDeclaredModels()
    {
        var context = NewContext(Metadata(records: 300, batchSize: 50, failAfterBatches: 8));
        await Assert.ThrowsAsync<SampleDataInjectedFailureException>(() => RunAsync(context));
        context.StoredMetadata.Remove("fail_after_batches");
        context.DeclaredModels.Remove("Contact");
        context.StartNextRun();

        await RunAsync(context);

        Assert.Equal(new BatchResult(0, 0, 0, 300), context.ChangesOf("Company"));
        Assert.Equal(new BatchResult(300, 0, 0, 0), context.ChangesOf("Deal"));
        Assert.True(context.StoredCheckpoint!["complete"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("Contact")]
    [InlineData("Company")]
    [InlineData("Deal")]
    public async Task RunAsync_OneModelDeclared_WritesOnlyThatModel(string declared)
    {
        var context = NewContext(Metadata(records: 40, batchSize: 100), declared);

        await RunAsync(context);

        foreach (var model in AllModels)
        {
            Assert.Equal(model == declared ? 40 : 0, context.RecordsOf(model).Count);
        }

        Assert.Equal(1, context.SaveCalls);
    }

    [Fact]
    public async Task RunAsync_UnknownModelDeclared_ThrowsNamingTheModelBeforeWriting()
    {
        var context = NewContext(Metadata(records: 10), "Contact", "Ticket");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(context));

        Assert.Contains("'Ticket'", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, context.WriteCalls);
        Assert.Equal(0, context.CheckpointSaves);
    }

    [Theory]
    [InlineData("records", "-1")]
    [InlineData("records", "1.5")]
    [InlineData("records", "\"many\"")]
    [InlineData("change_rate", "1.5")]
    [InlineData("change_rate", "-0.1")]
    [InlineData("delete_rate", "2")]
    [InlineData("batch_size", "0")]
    [InlineData("batch_size", "10001")]
    [InlineData("payload_bytes", "-1")]
    [InlineData("seed", "true")]
    [InlineData("fail_after_batches", "0")]
    [InlineData("delay_ms_per_batch", "-5")]
    public async Task RunAsync_InvalidMetadataValue_ThrowsNamingTheKeyBeforeTouchingTheCache(string key, string json)
    {
        var metadata = Metadata(records: 10);
        metadata[key] = JsonNode.Parse(json);
        var context = NewContext(metadata);

        var exception = await Assert.ThrowsAsync<SampleDataMetadataException>(() => RunAsync(context));

        Assert.Equal(new[] { key }, exception.Keys);
        Assert.Contains($"'{key}'", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, context.CheckpointReads);
        Assert.Equal(0, context.WriteCalls);
    }

    [Fact]
    public async Task RunAsync_SeveralInvalidMetadataValues_NamesEveryKey()
    {
        var context = NewContext(new JsonObject { ["records"] = -5, ["change_rate"] = 2 });

        var exception = await Assert.ThrowsAsync<SampleDataMetadataException>(() => RunAsync(context));

        Assert.Equal(new[] { "records", "change_rate" }, exception.Keys);
    }

    [Fact]
    public async Task RunAsync_NumbersGivenAsStrings_AreAccepted()
    {
        var context = NewContext(new JsonObject { ["records"] = "12", ["batch_size"] = " 5 " }, "Contact");

        await RunAsync(context);

        Assert.Equal(12, context.LiveRecordsOf("Contact").Count);
        Assert.Equal(5, context.LargestBatch);
    }

    [Fact]
    public async Task RunAsync_EmptyMetadata_UsesDefaultsOfAThousandRecordsInOneBatch()
    {
        var context = NewContext(new JsonObject(), "Company");

        await RunAsync(context);

        Assert.Equal(1000, context.LiveRecordsOf("Company").Count);
        Assert.Equal(1, context.SaveCalls);
    }

    [Theory]
    [InlineData(null, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(4096, 4096)]
    [InlineData(300, 300)]
    public async Task RunAsync_PayloadBytes_SizesEachRecordApproximately(int? payloadBytes, int expected)
    {
        var metadata = Metadata(records: 100);
        if (payloadBytes is { } bytes)
        {
            metadata["payload_bytes"] = bytes;
        }

        var context = NewContext(metadata);

        await RunAsync(context);

        foreach (var model in AllModels)
        {
            var average = context.RecordsOf(model).Average(record => Encoding.UTF8.GetByteCount(record.Json));
            Assert.InRange(average, expected * 0.9, expected * 1.1);
        }
    }

    [Fact]
    public async Task RunAsync_NoRecords_WritesNothingAndCompletesTheGeneration()
    {
        var context = NewContext(Metadata(records: 0));

        await RunAsync(context);
        await RunAsync(context);

        Assert.Equal(0, context.WriteCalls);
        Assert.Equal(1, context.StoredCheckpoint!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_CheckpointNotWrittenBySampleData_ThrowsAskingForAReset()
    {
        var context = NewContext(Metadata(records: 10));
        await context.SaveCheckpointAsync(new JsonObject { ["cursor"] = "abc" }, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(context));

        Assert.Contains("reset", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, context.WriteCalls);
    }

    [Fact]
    public async Task RunAsync_DelayPerBatch_WaitsOnTheTimeProviderBeforeTheNextBatch()
    {
        var time = new FakeTimeProvider();
        var timers = new TimerWatchingTimeProvider(time);
        var metadata = Metadata(records: 200, batchSize: 100);
        metadata["delay_ms_per_batch"] = 1000;
        var context = new TestSyncContext(["Company"], metadata, timers);
        var cancellationToken = TestContext.Current.CancellationToken;

        var run = new SampleDataSyncFunction().RunAsync(context, cancellationToken);
        await timers.WhenTimersCreatedAsync(1, cancellationToken);

        Assert.Equal(1, context.WriteCalls);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, context.WriteCalls);
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await context.WhenWriteCallsReachAsync(2, cancellationToken);
        await timers.WhenTimersCreatedAsync(2, cancellationToken);
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await run;
        Assert.Equal(200, context.LiveRecordsOf("Company").Count);
    }

    [Fact]
    public async Task RunAsync_CancelledBetweenBatches_StopsAndLaterResumesFromItsCheckpoint()
    {
        var metadata = Metadata(records: 300, batchSize: 100);
        metadata["delay_ms_per_batch"] = 60_000;
        var context = new TestSyncContext(["Company"], metadata, new FakeTimeProvider());
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = new SampleDataSyncFunction().RunAsync(context, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, context.WriteCalls);
        Assert.Equal(100, context.StoredCheckpoint!["offset"]!.GetValue<long>());

        context.StoredMetadata.Remove("delay_ms_per_batch");
        context.StartNextRun();
        await RunAsync(context);

        Assert.Equal(new BatchResult(200, 0, 0, 0), context.ChangesOf("Company"));
    }

    [Fact]
    public async Task RunAsync_AlreadyCancelled_WritesNothing()
    {
        var context = NewContext(Metadata(records: 10));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new SampleDataSyncFunction().RunAsync(context, cancellation.Token));

        Assert.Equal(0, context.WriteCalls);
    }

    [Fact]
    public async Task RunAsync_CompletedGeneration_LogsProgressAndSummary()
    {
        var context = NewContext(Metadata(records: 150, batchSize: 100), "Deal");

        await RunAsync(context);

        Assert.Contains(context.LogEntries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("generation 0 starting", StringComparison.Ordinal));
        Assert.Equal(2, context.LogEntries.Count(entry => entry.Level == LogLevel.Debug));
        Assert.Contains(context.LogEntries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("150 added", StringComparison.Ordinal));
    }

    [Fact]
    public void SampleDataSyncFunction_IsRegisteredUnderItsConfigName()
    {
        var attribute = (Tributary.Sdk.SyncFunctionAttribute)Attribute.GetCustomAttribute(
            typeof(SampleDataSyncFunction), typeof(Tributary.Sdk.SyncFunctionAttribute))!;

        Assert.Equal("sample-data", attribute.Name);
    }

    private static JsonObject Metadata(
        int records,
        double? changeRate = null,
        double? deleteRate = null,
        int? batchSize = null,
        int? seed = null,
        int? failAfterBatches = null)
    {
        var metadata = new JsonObject { ["records"] = records };
        if (changeRate is { } change)
        {
            metadata["change_rate"] = change;
        }

        if (deleteRate is { } delete)
        {
            metadata["delete_rate"] = delete;
        }

        if (batchSize is { } batch)
        {
            metadata["batch_size"] = batch;
        }

        if (seed is { } seedValue)
        {
            metadata["seed"] = seedValue;
        }

        if (failAfterBatches is { } fail)
        {
            metadata["fail_after_batches"] = fail;
        }

        return metadata;
    }

    private static TestSyncContext NewContext(JsonObject metadata, params string[] models) =>
        new(models.Length == 0 ? AllModels : models, metadata);

    private static Task RunAsync(TestSyncContext context) =>
        new SampleDataSyncFunction().RunAsync(context, TestContext.Current.CancellationToken);

    private static List<(string Id, string Json, bool IsDeleted)> Snapshot(TestSyncContext context, string model) =>
        [.. context.RecordsOf(model).Select(record => (record.Id, record.Json, record.IsDeleted))];

    private static string NumberOf(string id) => id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..];

    /// <summary>A fake clock that also tells the test when a timer was started, i.e. when the run began to wait.</summary>
    private sealed class TimerWatchingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
        private int _created;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            lock (_gate)
            {
                _created++;
                foreach (var waiter in _waiters.Where(waiter => _created >= waiter.Count).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Signal.TrySetResult();
                }
            }

            return timer;
        }

        public Task WhenTimersCreatedAsync(int count, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_created >= count)
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, signal));
                return signal.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
