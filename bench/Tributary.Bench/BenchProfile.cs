namespace Tributary.Bench;

/// <summary>The sizes of one benchmark run. The full profile is the issue's; the others shrink it to fit a budget.</summary>
internal sealed record BenchProfile(
    string Name,
    int IdleTriggers,
    int LoadedTriggers,
    int LoadSyncs,
    int LoadRecordsPerSync,
    int FanoutConnections,
    int SyncsPerFanoutConnection,
    int Records,
    int SmallRecords,
    int ConcurrentReaders,
    TimeSpan ConcurrentReadDuration,
    IReadOnlyList<int> BacklogLevels,
    int ClaimSamples,
    int TickSamples,
    int HoldMid,
    int HoldHigh,
    TimeSpan PhaseBudget)
{
    /// <summary>Checks that every figure is produced (not its value), in about a minute for both databases.</summary>
    public static BenchProfile Quick { get; } = new(
        "quick",
        IdleTriggers: 50,
        LoadedTriggers: 20,
        LoadSyncs: 5,
        LoadRecordsPerSync: 200,
        FanoutConnections: 100,
        SyncsPerFanoutConnection: 10,
        Records: 5_000,
        SmallRecords: 1_000,
        ConcurrentReaders: 64,
        ConcurrentReadDuration: TimeSpan.FromSeconds(1),
        BacklogLevels: [10, 100, 1_000],
        ClaimSamples: 20,
        TickSamples: 20,
        HoldMid: 5,
        HoldHigh: 20,
        PhaseBudget: TimeSpan.FromSeconds(3));

    /// <summary>A tenth of the full sizes where that keeps the comparison meaningful.</summary>
    public static BenchProfile Medium { get; } = new(
        "medium",
        IdleTriggers: 500,
        LoadedTriggers: 300,
        LoadSyncs: 50,
        LoadRecordsPerSync: 1_000,
        FanoutConnections: 10_000,
        SyncsPerFanoutConnection: 5,
        Records: 200_000,
        SmallRecords: 10_000,
        ConcurrentReaders: 64,
        ConcurrentReadDuration: TimeSpan.FromSeconds(5),
        BacklogLevels: [1_000, 10_000, 50_000],
        ClaimSamples: 100,
        TickSamples: 100,
        HoldMid: 50,
        HoldHigh: 200,
        PhaseBudget: TimeSpan.FromSeconds(60));

    /// <summary>The sizes.</summary>
    public static BenchProfile Full { get; } = new(
        "full",
        IdleTriggers: 1_000,
        LoadedTriggers: 1_000,
        LoadSyncs: 50,
        LoadRecordsPerSync: 1_000,
        FanoutConnections: 10_000,
        SyncsPerFanoutConnection: 10,
        Records: 1_000_000,
        SmallRecords: 10_000,
        ConcurrentReaders: 64,
        ConcurrentReadDuration: TimeSpan.FromSeconds(10),
        BacklogLevels: [1_000, 10_000, 100_000],
        ClaimSamples: 200,
        TickSamples: 200,
        HoldMid: 50,
        HoldHigh: 200,
        PhaseBudget: TimeSpan.FromSeconds(120));

    public int Schedules => FanoutConnections * SyncsPerFanoutConnection;

    public bool IsQuick => Name == "quick";

    public static BenchProfile? Named(string name) => name switch
    {
        "quick" => Quick,
        "medium" => Medium,
        "full" => Full,
        _ => null,
    };
}
