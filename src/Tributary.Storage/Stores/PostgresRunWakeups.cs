using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Cross-process wake-ups on PostgreSQL: NOTIFY after a commit that queued runs (or started schedules), LISTEN on
/// one dedicated connection per process that pokes the local <see cref="WorkSignal"/> (or <see cref="SchedulerSignal"/>). A lost notification costs at most one
/// poll interval, never a run: workers still poll.
/// </summary>
/// <remarks>
/// Each notification carries the publishing process's instance id, and a process ignores its own: whoever
/// publishes has already poked its own signal, and a second wake-up would only cost its worker another claim.
/// </remarks>
internal sealed class PostgresRunWakeups : BackgroundService, IRunWakeups
{
    internal const string Channel = "tributary_runs";
    internal const string SchedulesChannel = "tributary_schedules";
    private readonly Database _database;
    private readonly WorkSignal _signal;
    private readonly SchedulerSignal _scheduler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresRunWakeups> _logger;
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public PostgresRunWakeups(Database database, WorkSignal signal, SchedulerSignal scheduler, TimeProvider timeProvider, ILogger<PostgresRunWakeups> logger)
    {
        _database = database;
        _signal = signal;
        _scheduler = scheduler;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task PublishAsync(CancellationToken cancellationToken) => NotifyAsync(Channel, cancellationToken);

    public Task PublishSchedulesAsync(CancellationToken cancellationToken) => NotifyAsync(SchedulesChannel, cancellationToken);

    private async Task NotifyAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT pg_notify(@channel, @instance)")
            .With("channel", channel).With("instance", _instance);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await _database.OpenAsync(stoppingToken);
                connection.Notification += (_, notification) =>
                {
                    if (string.Equals(notification.Payload, _instance, StringComparison.Ordinal))
                    {
                        return;
                    }

                    if (string.Equals(notification.Channel, SchedulesChannel, StringComparison.Ordinal))
                    {
                        _scheduler.Notify();
                    }
                    else
                    {
                        _signal.Notify();
                    }
                };
                await using (var listen = connection.Command($"LISTEN {Channel}; LISTEN {SchedulesChannel}"))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Listening for run wake-ups failed; reconnecting (workers keep polling meanwhile).");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
