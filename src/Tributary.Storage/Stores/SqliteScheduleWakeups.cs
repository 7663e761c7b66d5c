using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Cross-process scheduler wake-ups on SQLite: an API process that started schedules writes a byte to a file in a
/// folder of its own next to the database (<c>tributary.db.wake/schedules</c>), and every process on the same
/// database watches that folder (inotify on Linux) and pokes its <see cref="SchedulerSignal"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why: a split deployment on one SQLite file (an API process and a worker process, as the benchmark runs) had no
/// wake-up between them, so a mass start after an outage waited up to a whole tick (1 s) before its first batch
/// was queued — B10's figure, which must stay under 5 s, counted that wait. PostgreSQL has NOTIFY for this
/// (<see cref="PostgresRunWakeups"/>).
/// </para>
/// <para>
/// The folder holds only the wake file, so the watch sees nothing of the database's own writes (a watch on the
/// data folder would hear every WAL write). A lost or failed wake-up costs at most one tick, never a run: the
/// scheduler still ticks. A process hears its own publish too; that is one more (usually empty) tick after the
/// in-process poke it already had. Queued runs are not published: workers poll, as before.
/// </para>
/// </remarks>
internal sealed class SqliteScheduleWakeups : BackgroundService, IRunWakeups
{
    internal const string FileName = "schedules";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly Database _database;
    private readonly SchedulerSignal _scheduler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteScheduleWakeups> _logger;
    private string? _folder;

    public SqliteScheduleWakeups(Database database, SchedulerSignal scheduler, TimeProvider timeProvider, ILogger<SqliteScheduleWakeups> logger)
    {
        _database = database;
        _scheduler = scheduler;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task PublishAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task PublishSchedulesAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await FolderAsync(cancellationToken) is not { } folder)
            {
                return;
            }

            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            // One byte rewritten in place: a modification the watchers hear, and a file that never grows.
            await using var file = new FileStream(Path.Combine(folder, FileName), options);
            file.WriteByte(1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The schedules are started and committed; the other processes' schedulers find them at their next tick.
            _logger.LogWarning(ex, "Waking the other processes' schedulers failed; they queue the started schedules at their next tick.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            if (await FolderAsync(stoppingToken) is not { } folder)
            {
                return;
            }

            watcher = new FileSystemWatcher(folder, FileName)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            };
            watcher.Changed += (_, _) => _scheduler.Notify();
            watcher.Created += (_, _) => _scheduler.Notify();
            watcher.Error += (_, e) => _logger.LogWarning(e.GetException(), "Watching for started schedules failed; the scheduler keeps ticking.");
            watcher.EnableRaisingEvents = true;
            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            // No watch (no inotify instance left, a read-only folder): the scheduler still ticks every interval.
            _logger.LogWarning(ex, "Cannot watch for schedules started by other processes; the scheduler finds them at its next tick.");
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    /// <summary>The wake folder next to the database file, created owner-only; null for an in-memory database.</summary>
    private async Task<string?> FolderAsync(CancellationToken cancellationToken)
    {
        if (_folder is not null)
        {
            return _folder;
        }

        string? file;
        await using (var connection = await _database.OpenAsync(cancellationToken))
        {
            file = connection.DataSource;
        }

        if (string.IsNullOrEmpty(file) || file == ":memory:" || !Path.IsPathRooted(file))
        {
            return null;
        }

        var folder = file + ".wake";
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        _folder = folder;
        return folder;
    }
}
