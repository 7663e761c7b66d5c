using Tributary.Core.Domain;

namespace Tributary.Storage.Sql;

/// <summary>
/// The one mapping between Core's states and the text the database stores. The text never changes (rows written by
/// every earlier version hold it); SQL literals are built from these constants, e.g. <c>$"state = '{SqlStates.Queued}'"</c>,
/// and values are bound with <see cref="Text(RunState)"/>.
/// </summary>
internal static class SqlStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public const string Started = "STARTED";
    public const string Paused = "PAUSED";

    /// <summary>The trigger sources the queue writes itself (see <see cref="TriggerSources"/>).</summary>
    public const string ApiSource = TriggerSources.Api;
    public const string ScheduleSource = TriggerSources.Schedule;

    public static string Text(RunState state) => state switch
    {
        RunState.Queued => Queued,
        RunState.Running => Running,
        RunState.Succeeded => Succeeded,
        RunState.Failed => Failed,
        RunState.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown run state."),
    };

    public static string Text(ScheduleState state) => state switch
    {
        ScheduleState.Started => Started,
        ScheduleState.Paused => Paused,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown schedule state."),
    };

    public static RunState ParseRun(string text) => text switch
    {
        Queued => RunState.Queued,
        Running => RunState.Running,
        Succeeded => RunState.Succeeded,
        Failed => RunState.Failed,
        Cancelled => RunState.Cancelled,
        _ => throw new InvalidOperationException($"The database holds an unknown run state '{text}'."),
    };

    public static ScheduleState ParseSchedule(string text) => text switch
    {
        Started => ScheduleState.Started,
        Paused => ScheduleState.Paused,
        _ => throw new InvalidOperationException($"The database holds an unknown schedule state '{text}'."),
    };
}
