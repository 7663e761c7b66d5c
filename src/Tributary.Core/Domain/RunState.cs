namespace Tributary.Core.Domain;

/// <summary>Where a run is: <c>Queued → Running → Succeeded | Failed | Cancelled</c>.</summary>
/// <remarks>Storage keeps its own mapping to the text in the database (<c>Storage/Sql/SqlStates.cs</c>).</remarks>
public enum RunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>The names the runs API shows.</summary>
public static class RunStateNames
{
    /// <summary>The run's state as the runs API writes it (and accepts in its <c>state</c> filter).</summary>
    public static string ToApiName(this RunState state) => state switch
    {
        RunState.Queued => "queued",
        RunState.Running => "running",
        RunState.Succeeded => "succeeded",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown run state."),
    };

    /// <summary>The state the runs API's <c>state</c> filter names, or null for a name it does not know.</summary>
    public static RunState? FromApiName(string name)
    {
        foreach (var state in Enum.GetValues<RunState>())
        {
            if (string.Equals(state.ToApiName(), name, StringComparison.Ordinal))
            {
                return state;
            }
        }

        return null;
    }
}
