namespace Tributary.Core.Configuration;

/// <summary>What Tributary runs when there is no <c>tributary.yaml</c>: one integration backed by the built-in sample data.</summary>
internal static class DemoConfig
{
    public static TributaryConfig Instance { get; } = new(
    [
        new IntegrationConfig(
            UniqueKey: "demo",
            Provider: "sample-data",
            DisplayName: "Demo",
            BaseUrl: null,
            Syncs:
            [
                new SyncConfigDefinition(
                    Name: "contacts",
                    Function: "sample-data",
                    Models: ["Contact", "Company", "Deal"],
                    Frequency: "every 1h",
                    Interval: TimeSpan.FromHours(1),
                    AutoStart: true,
                    SyncType: SyncType.Incremental,
                    TrackDeletes: false),
            ]),
    ]);
}
