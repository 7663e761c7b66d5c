using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Ports;
using Tributary.Core.Engine;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Started schedules wake the schedulers of the other processes on the same SQLite file at once (B10: a split
/// deployment waited up to a tick), and only a publish does: the database's own writes are not heard.
/// </summary>
public sealed class SqliteScheduleWakeupsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishSchedules_WakesTheSchedulerOfAnotherProcessOnTheSameFile()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token);

        // Two "processes" as the server builds them: storage registered for the same SQLite file, each its own signal.
        await using var apiProcess = Process(database.Database);
        await using var workerProcess = Process(database.Database);
        var api = apiProcess.GetRequiredService<IRunWakeups>();
        var schedulerWorker = workerProcess.GetRequiredService<SchedulerSignal>();
        var hosted = workerProcess.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(Token);
        }

        try
        {
            // The watch is set up in the background: publish until it is in place, then once more, measured.
            await Eventually.TrueAsync(
                async token =>
                {
                    await api.PublishSchedulesAsync(token);
                    return await schedulerWorker.WaitAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, token);
                },
                TimeSpan.FromSeconds(10),
                "the worker's scheduler to hear a started schedule",
                Token,
                TimeSpan.Zero);
            while (await schedulerWorker.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token))
            {
            }

            var published = TimeProvider.System.GetTimestamp();
            await api.PublishSchedulesAsync(Token);

            // Well under the scheduler's 1 s tick, which is what a worker waited before.
            Assert.True(await schedulerWorker.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token), "the other process's scheduler was not woken");
            Assert.True(TimeProvider.System.GetElapsedTime(published) < TimeSpan.FromMilliseconds(500), "the wake-up took longer than a tick would");

            // Runs queued are not published on SQLite (workers poll), and the database's writes are not a wake-up.
            await api.PublishAsync(Token);
            await using (var connection = await database.Database.OpenAsync(Token))
            {
                await using var write = connection.Command("CREATE TABLE wake_noise (x INTEGER); INSERT INTO wake_noise VALUES (1);");
                await write.ExecuteNonQueryAsync(Token);
            }

            Assert.False(await schedulerWorker.WaitAsync(TimeSpan.FromMilliseconds(500), TimeProvider.System, Token), "a database write woke the scheduler");
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task PublishSchedules_KeepsTheWakeFileOwnerOnlyAndTheSameSize()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token);
        using var scheduler = new SchedulerSignal();
        using var api = new SqliteScheduleWakeups(database.Database, scheduler, TimeProvider.System, NullLogger<SqliteScheduleWakeups>.Instance);

        await api.PublishSchedulesAsync(Token);
        await api.PublishSchedulesAsync(Token);

        string path;
        await using (var connection = await database.Database.OpenAsync(Token))
        {
            path = Path.Combine(connection.DataSource + ".wake", SqliteScheduleWakeups.FileName);
        }

        Assert.Equal(1, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    private static ServiceProvider Process(Database database) =>
        new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<WorkSignal>()
            .AddSingleton<SchedulerSignal>()
            .AddTributaryStorage(database)
            .BuildServiceProvider();
}
