namespace Tributary.FakeProviders;

/// <summary>Timestamps of the fake data sets.</summary>
public static class FakeClock
{
    /// <summary>The seeded data starts here (2024-01-01T00:00:00Z), whatever the clock says, so it is the same every run.</summary>
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Cuts to whole seconds: GitHub shows seconds, and <c>since</c> compares what clients saw.</summary>
    internal static DateTimeOffset ToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
