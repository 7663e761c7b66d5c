using Tributary.Core.Domain;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Tests;

/// <summary>The one mapping between Core's states and the text in the database, which rows of every version hold.</summary>
public sealed class SqlStatesTests
{
    [Theory]
    [InlineData(RunState.Queued, "queued")]
    [InlineData(RunState.Running, "running")]
    [InlineData(RunState.Succeeded, "succeeded")]
    [InlineData(RunState.Failed, "failed")]
    [InlineData(RunState.Cancelled, "cancelled")]
    public void RunState_IsStoredAsItsUnchangedText_AndReadBack(RunState state, string stored)
    {
        Assert.Equal(stored, SqlStates.Text(state));
        Assert.Equal(state, SqlStates.ParseRun(stored));
    }

    [Theory]
    [InlineData(ScheduleState.Started, "STARTED")]
    [InlineData(ScheduleState.Paused, "PAUSED")]
    public void ScheduleState_IsStoredAsItsUnchangedText_AndReadBack(ScheduleState state, string stored)
    {
        Assert.Equal(stored, SqlStates.Text(state));
        Assert.Equal(state, SqlStates.ParseSchedule(stored));
    }

    [Fact]
    public void UnknownStoredText_FailsWithAMessageThatNamesIt()
    {
        Assert.Contains("'paused'", Assert.Throws<InvalidOperationException>(() => SqlStates.ParseRun("paused")).Message, StringComparison.Ordinal);
        Assert.Contains("'started'", Assert.Throws<InvalidOperationException>(() => SqlStates.ParseSchedule("started")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsApiNames_RoundTripEveryState_AndAnUnknownNameIsNone()
    {
        foreach (var state in Enum.GetValues<RunState>())
        {
            Assert.Equal(state, RunStateNames.FromApiName(state.ToApiName()));
        }

        Assert.Null(RunStateNames.FromApiName("QUEUED"));
        Assert.Null(RunStateNames.FromApiName("done"));
    }
}
