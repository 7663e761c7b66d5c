using Tributary.Core.Domain;
using Tributary.Core.Services;

namespace Tributary.Core.Tests.Services;

public sealed class StatusServiceTests
{
    private static SyncRow Sync(ScheduleState state) => new()
    {
        Id = "s1",
        ConnectionDbId = 1,
        ConnectionId = "c1",
        SyncConfigId = 1,
        Name = "contacts",
        Variant = "base",
        ConfigFrequency = "every 1h",
        FrequencyMs = 3_600_000,
        ScheduleState = state,
        NextDueAt = 0,
        Models = ["Contact"],
    };

    private static RunRow Run(RunState state) => new()
    {
        Id = 1,
        SyncId = "s1",
        SyncName = "contacts",
        Variant = "base",
        ConnectionId = "c1",
        ProviderConfigKey = "demo",
        State = state,
        TriggerSource = "api",
        Attempt = 1,
        QueuedAt = 0,
        StartedAt = 0,
    };

    [Theory]
    [InlineData(ScheduleState.Paused, RunState.Running, "RUNNING")]
    [InlineData(ScheduleState.Paused, RunState.Succeeded, "PAUSED")]
    [InlineData(ScheduleState.Started, RunState.Failed, "ERROR")]
    [InlineData(ScheduleState.Started, RunState.Cancelled, "ERROR")]
    [InlineData(ScheduleState.Started, RunState.Succeeded, "SUCCESS")]
    public void Classify_FollowsNangosOrder(ScheduleState schedule, RunState run, string expected) =>
        Assert.Equal(expected, StatusService.Classify(Sync(schedule), Run(run)));

    [Fact]
    public void Classify_WithoutAnyRun_IsSuccessUnlessPaused()
    {
        Assert.Equal("SUCCESS", StatusService.Classify(Sync(ScheduleState.Started), null));
        Assert.Equal("PAUSED", StatusService.Classify(Sync(ScheduleState.Paused), null));
    }
}
