using Tributary.Core.Domain;
using Tributary.Core.Services;

namespace Tributary.Core.Tests.Services;

public sealed class StatusServiceTests
{
    private static SyncRow Sync(string state) =>
        new("s1", 1, "c1", 1, "contacts", "base", null, "every 1h", 3_600_000, state, 0, null, ["Contact"]);

    private static RunRow Run(string state) =>
        new(1, "s1", "contacts", "base", "c1", "demo", state, "api", null, false, false, null, 1, 0, 0, null, null, null, null);

    [Theory]
    [InlineData(ScheduleStates.Paused, RunStates.Running, "RUNNING")]
    [InlineData(ScheduleStates.Paused, RunStates.Succeeded, "PAUSED")]
    [InlineData(ScheduleStates.Started, RunStates.Failed, "ERROR")]
    [InlineData(ScheduleStates.Started, RunStates.Cancelled, "ERROR")]
    [InlineData(ScheduleStates.Started, RunStates.Succeeded, "SUCCESS")]
    public void Classify_FollowsNangosOrder(string schedule, string run, string expected) =>
        Assert.Equal(expected, StatusService.Classify(Sync(schedule), Run(run)));

    [Fact]
    public void Classify_WithoutAnyRun_IsSuccessUnlessPaused()
    {
        Assert.Equal("SUCCESS", StatusService.Classify(Sync(ScheduleStates.Started), null));
        Assert.Equal("PAUSED", StatusService.Classify(Sync(ScheduleStates.Paused), null));
    }
}
