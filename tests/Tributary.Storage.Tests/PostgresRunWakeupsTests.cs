using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Engine;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>Cross-process wake-ups: another process's worker hears a publish; the publisher does not hear itself.</summary>
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
        using var a = new PostgresRunWakeups(database.Database, signalA, TimeProvider.System, NullLogger<PostgresRunWakeups>.Instance);
        using var b = new PostgresRunWakeups(database.Database, signalB, TimeProvider.System, NullLogger<PostgresRunWakeups>.Instance);
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
