using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Core.Records;
using Tributary.Sdk;

namespace Tributary.Core.Tests.Records;

/// <summary>The hand-over between a batch's preparing thread and the store's writing thread.</summary>
public sealed class PreparedRecordFeedTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PreparedRecord Record(string id) => new(id, $$"""{"id":"{{id}}"}""", "h" + id);

    [Fact]
    public async Task AWriterWaitingForEachRecord_GetsThemInOrder_AndLearnsTheEndWhenTheFeedIsComplete()
    {
        var feed = new PreparedRecordFeed(5);
        var read = new List<string>();
        var writer = Task.Run(
            () =>
            {
                for (var i = 0; feed.WaitFor(i, Token); i++)
                {
                    read.Add(feed[i].ExternalId);
                }
            },
            Token);

        // The writer is waiting for a record that is not there yet: it gets each one as it comes.
        foreach (var id in new[] { "a", "b", "c" })
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, Token);
            feed.Add(Record(id));
        }

        Assert.False(writer.IsCompleted);
        feed.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal(["a", "b", "c"], read);
        Assert.Equal(["a", "b", "c"], feed.WaitForAll(Token).Select(r => r.ExternalId));
        Assert.Throws<ArgumentOutOfRangeException>(() => feed[3]);
        Assert.Throws<InvalidOperationException>(() => feed.Add(Record("d")));
    }

    [Fact]
    public async Task AFailedFeed_ThrowsOutOfTheWritersWait_WithTheFailureInside()
    {
        var feed = new PreparedRecordFeed(3);
        feed.Add(Record("a"));
        var writer = Task.Run(() => feed.WaitFor(1, Token), Token);
        await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, Token);

        var failure = new InvalidRecordsException("Record 1 of model 'Deal' has no id field.");
        feed.Fail(failure);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Same(failure, error.InnerException);
        Assert.Same(failure, Assert.Throws<InvalidOperationException>(() => feed.WaitForAll(Token)).InnerException);
    }

    [Fact]
    public async Task AWriterWaiting_NoticesItsCancellation()
    {
        var feed = new PreparedRecordFeed(2);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var writer = Task.Run(() => feed.WaitFor(0, cancel.Token), Token);
        await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public void PrepareInto_FeedsEachIdsFirstOccurrence_AsPrepareKeepsIt_AndCompletesTheFeed()
    {
        JsonObject[] records = [new() { ["id"] = 1, ["v"] = "x" }, new() { ["id"] = "b" }, new() { ["id"] = "1", ["v"] = "y" }];
        var feed = new PreparedRecordFeed(records.Length);

        var duplicates = RecordPreparer.PrepareInto(records, "Deal", feed);

        var batch = RecordPreparer.Prepare(records, "Deal");
        Assert.Equal(batch.Records, feed.WaitForAll(Token));
        Assert.Equal(batch.Duplicates, duplicates);
        Assert.False(feed.WaitFor(2, Token));
    }
}
