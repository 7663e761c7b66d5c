namespace Tributary.Core.Domain;

/// <summary>Whether a sync's schedule queues runs when they are due.</summary>
/// <remarks>Storage keeps its own mapping to the text in the database (<c>Storage/Sql/SqlStates.cs</c>).</remarks>
public enum ScheduleState
{
    Started,
    Paused,
}
