using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The admission order of <see cref="WriteGate"/>: who writes next, and that nothing leaks a slot.</summary>
public sealed class WriteGateTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exclusive_SecondWriter_WaitsUntilTheFirstGivesItsSlotBack()
    {
        var gate = WriteGate.Exclusive();
        var first = await gate.EnterAsync(WriteKind.Bulk, Token);

        var second = gate.EnterAsync(WriteKind.Control, Token).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal(1, gate.Waiting);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task Exclusive_WaitingControlWrite_GoesAheadOfEarlierBulkWrites()
    {
        var gate = WriteGate.Exclusive();
        var holder = await gate.EnterAsync(WriteKind.Bulk, Token);
        var order = new List<string>();
        var bulk1 = Record(gate, WriteKind.Bulk, "bulk1", order);
        var bulk2 = Record(gate, WriteKind.Bulk, "bulk2", order);
        var control = Record(gate, WriteKind.Control, "control", order);

        holder.Dispose();
        await Task.WhenAll(bulk1, bulk2, control).WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(["control", "bulk1", "bulk2"], order);
    }

    [Fact]
    public async Task Exclusive_NewBulkWrite_DoesNotOvertakeAWaitingControlWrite()
    {
        var gate = WriteGate.Exclusive();
        var holder = await gate.EnterAsync(WriteKind.Control, Token);
        var control = gate.EnterAsync(WriteKind.Control, Token).AsTask();

        holder.Dispose();
        var bulk = gate.EnterAsync(WriteKind.Bulk, Token).AsTask();

        var granted = await control.WaitAsync(TimeSpan.FromSeconds(5), Token);
        Assert.False(bulk.IsCompleted);
        granted.Dispose();
        (await bulk.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
    }

    [Fact]
    public async Task Exclusive_BulkWrite_GetsATurnAfterABurstOfControlWrites()
    {
        var gate = WriteGate.Exclusive();
        var holder = await gate.EnterAsync(WriteKind.Control, Token);
        var order = new List<string>();
        var bulk = Record(gate, WriteKind.Bulk, "bulk", order);
        var controls = Enumerable.Range(0, WriteGate.ControlBurst + 4)
            .Select(i => Record(gate, WriteKind.Control, $"control{i}", order))
            .ToList();

        holder.Dispose();
        await Task.WhenAll([bulk, .. controls]).WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(WriteGate.ControlBurst, order.IndexOf("bulk"));
        Assert.Equal(controls.Count + 1, order.Count);
    }

    [Fact]
    public async Task Shared_ControlWrites_PassWhileEveryBulkSlotIsTaken()
    {
        var gate = WriteGate.Shared(bulkSlots: 2);
        var bulk1 = await gate.EnterAsync(WriteKind.Bulk, Token);
        var bulk2 = await gate.EnterAsync(WriteKind.Bulk, Token);
        var bulk3 = gate.EnterAsync(WriteKind.Bulk, Token).AsTask();

        var control = gate.EnterAsync(WriteKind.Control, Token).AsTask();

        Assert.True(control.IsCompletedSuccessfully);
        Assert.False(bulk3.IsCompleted);
        bulk1.Dispose();
        (await bulk3.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
        bulk2.Dispose();
        (await control).Dispose();
    }

    [Fact]
    public async Task CancelledWaiter_LeavesTheQueueAndTakesNoSlot()
    {
        var gate = WriteGate.Exclusive();
        var holder = await gate.EnterAsync(WriteKind.Bulk, Token);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var abandoned = gate.EnterAsync(WriteKind.Control, cancel.Token).AsTask();
        var next = gate.EnterAsync(WriteKind.Bulk, Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        holder.Dispose();

        (await next.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task WaiterPastTheMaximumWait_FailsWithATimeoutAndTakesNoSlot()
    {
        var gate = WriteGate.Exclusive(maxWait: TimeSpan.FromMilliseconds(50));
        var stuck = await gate.EnterAsync(WriteKind.Bulk, Token);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => gate.EnterAsync(WriteKind.Control, Token).AsTask());

        Assert.Contains("write slot", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, gate.Waiting);
        stuck.Dispose();
        (await gate.EnterAsync(WriteKind.Control, Token)).Dispose();
    }

    [Fact]
    public async Task DisposingASlotTwice_GivesItBackOnce()
    {
        var gate = WriteGate.Exclusive();
        var first = await gate.EnterAsync(WriteKind.Control, Token);
        first.Dispose();
        var second = await gate.EnterAsync(WriteKind.Control, Token);

        first.Dispose();
        var third = gate.EnterAsync(WriteKind.Control, Token).AsTask();

        Assert.False(third.IsCompleted);
        second.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task OpenWriteAsync_HoldsItsSlotUntilDisposed(TestDialect dialect)
    {
        await using var database = await TestDatabase.CreateAsync(dialect, Token);
        var gate = database.Database.Gate;
        var slots = dialect == TestDialect.Sqlite ? 1 : gate.BulkSlots;
        var held = new List<WriteConnection>();
        for (var i = 0; i < slots; i++)
        {
            held.Add(await database.Database.OpenWriteAsync(WriteKind.Bulk, Token));
        }

        var waiting = database.Database.OpenWriteAsync(WriteKind.Bulk, Token);
        Assert.False(waiting.IsCompleted);

        await held[0].DisposeAsync();
        await using (var granted = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Token))
        {
            Assert.Equal(System.Data.ConnectionState.Open, granted.Connection.State);
        }

        foreach (var connection in held.Skip(1))
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task Record(WriteGate gate, WriteKind kind, string name, List<string> order)
    {
        using var slot = await gate.EnterAsync(kind, Token);
        lock (order)
        {
            order.Add(name);
        }
    }
}
