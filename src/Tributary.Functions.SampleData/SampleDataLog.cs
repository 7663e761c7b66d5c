using Microsoft.Extensions.Logging;

namespace Tributary.Functions.SampleData;

/// <summary>The sample-data function's log messages (event ids 6100–6199).</summary>
internal static partial class SampleDataLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information,
        Message = "sample-data generation {Generation} starting: models {Models}, {IdCount} ids, resuming at {Model} after id {Offset}")]
    public static partial void GenerationStarting(ILogger logger, int generation, string models, long idCount, string model, long offset);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug,
        Message = "sample-data generation {Generation}: {Model} batch saved {Saved} and deleted {Deleted} records up to id {Offset}")]
    public static partial void BatchWritten(ILogger logger, int generation, string model, int saved, int deleted, long offset);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information,
        Message = "sample-data generation {Generation} complete: {Batches} batches, {Added} added, {Updated} updated, {Deleted} deleted, {Unchanged} unchanged")]
    public static partial void GenerationCompleted(ILogger logger, int generation, int batches, long added, long updated, long deleted, long unchanged);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning,
        Message = "sample-data keeps seed {CheckpointSeed} from its checkpoint; metadata seed {MetadataSeed} applies after a reset")]
    public static partial void SeedKept(ILogger logger, int checkpointSeed, int metadataSeed);
}
