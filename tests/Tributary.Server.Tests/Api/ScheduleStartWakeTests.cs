using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// <c>POST /sync/start</c> wakes the scheduler: a started schedule whose slot has passed is queued at once, not at the
/// scheduler's next tick (here an hour away), which is what a mass start after an outage waits for otherwise.
/// </summary>
public sealed class ScheduleStartWakeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Start_QueuesTheDueScheduleWithoutWaitingForTheNextTick(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e =>
        {
            e.RunWorkers = false;
            e.SchedulerInterval = TimeSpan.FromHours(1);
        });
        await server.CreateConnectionAsync("acme", null, Token);

        // The one tick at start-up is over before the schedule exists; the next is an hour away.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token);
        await server.Client.SendAsync(HttpMethod.Post, "sync/start", new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "acme",
            ["syncs"] = new JsonArray("contacts"),
        }, null, Token);

        // Queued means advanced: the scheduler moves the next slot an hour on in the transaction that queues the run.
        var next = await Eventually.ValueAsync(
            async _ =>
            {
                var status = await server.Client.StatusAsync("demo", "contacts", "acme", Token);
                return DateTimeOffset.Parse((string)status!["syncs"]![0]!["nextScheduledSyncAt"]!, CultureInfo.InvariantCulture);
            },
            due => due > TimeProvider.System.GetUtcNow().AddMinutes(50),
            TimeSpan.FromSeconds(10),
            "the started schedule to be queued without waiting for the scheduler's next tick",
            Token,
            TimeSpan.FromMilliseconds(100));

        Assert.True(next > TimeProvider.System.GetUtcNow().AddMinutes(50), $"next: {next:O}");
    }
}
