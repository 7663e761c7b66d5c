using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Engine;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Cross-process wake-ups: another process's worker hears a publish of queued runs and its scheduler a publish of
/// started schedules; the publisher does not hear itself.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRunWakeupsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_WakesTheOtherProcess_NotThePublisher()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token);
        using var signalA = new WorkSignal();
        using var signalB = new WorkSignal();
        using var schedulerA = new SchedulerSignal();
        using var schedulerB = new SchedulerSignal();
        using var a = new PostgresRunWakeups(database.Database, signalA, schedulerA, TimeProvider.System, NullLogger<PostgresRunWakeups>.Instance);
        using var b = new PostgresRunWakeups(database.Database, signalB, schedulerB, TimeProvider.System, NullLogger<PostgresRunWakeups>.Instance);
        await a.StartAsync(Token);
        await b.StartAsync(Token);
        try
        {
            // LISTEN is issued in the background: publish until both listeners are up.
            await UntilHeardAsync(a, signalB);
            await UntilHeardAsync(b, signalA);
            await DrainAsync(signalA);
            await DrainAsync(signalB);

            await a.PublishAsync(Token);

            Assert.True(await signalB.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token), "the other process was not woken");
            Assert.False(await signalA.WaitAsync(TimeSpan.FromMilliseconds(500), TimeProvider.System, Token), "the publisher woke itself");
            Assert.False(await schedulerB.WaitAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, Token), "queued runs woke a scheduler");

            // Started schedules wake the other process's scheduler, not its worker (and not the publisher).
            await a.PublishSchedulesAsync(Token);

            Assert.True(await schedulerB.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token), "the other scheduler was not woken");
            Assert.False(await signalB.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token), "started schedules woke a worker");
            Assert.False(await schedulerA.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token), "the publisher woke its own scheduler");
        }
        finally
        {
            await a.StopAsync(CancellationToken.None);
            await b.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Consumes wake-ups left over from the warm-up until the signal has been quiet for 300 ms.</summary>
    private static async Task DrainAsync(WorkSignal signal)
    {
        while (await signal.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token))
        {
        }
    }

    /// <summary>Publishes until the listener hears one (its LISTEN may not be in place yet at the first).</summary>
    private static Task UntilHeardAsync(PostgresRunWakeups publisher, WorkSignal listener) =>
        Eventually.TrueAsync(
            async token =>
            {
                await publisher.PublishAsync(token);
                return await listener.WaitAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, token);
            },
            TimeSpan.FromSeconds(10),
            "the listener to hear a notification",
            Token,
            TimeSpan.Zero);
}
