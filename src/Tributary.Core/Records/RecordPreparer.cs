using Tributary.Core.Ports;
using Tributary.Sdk.Rules;

namespace Tributary.Core.Records;

/// <summary>
/// Turns what a function passes to batchSave into the store's rows, by the Sdk's <see cref="RecordRules"/> (the one
/// copy of the id, normalisation and hash rules, which the SDK's test context runs too).
/// </summary>
internal static class RecordPreparer
{
    public const int MaxIdLength = RecordRules.MaxIdLength;

    public static PreparedBatch Prepare<T>(IReadOnlyList<T> records, string model)
    {
        var batch = RecordRules.Prepare(records, model, static record => new PreparedRecord(record.Id, record.PayloadUtf8, record.Hash));
        return new PreparedBatch(batch.Records, batch.Duplicates);
    }

    /// <summary>
    /// Records per chunk of <see cref="Chunks{T}"/>: small enough that little of a batch's preparation is left
    /// unoverlapped (the first chunk's, ~0.3 ms of a 1,000-record batch), large enough that a chunk's own statements and
    /// its hand-off to another thread stay a few percent of its write.
    /// </summary>
    public const int ChunkRecords = 128;

    /// <summary>
    /// A batch to prepare a chunk at a time, as the store writes the chunk before (by the same rules as
    /// <see cref="Prepare{T}"/>). The first chunk is prepared here, so a bad record among the first
    /// <see cref="ChunkRecords"/> throws before the caller starts anything; a later one throws from the store's
    /// transaction, which then writes nothing.
    /// </summary>
    public static PreparedChunks<T> Chunks<T>(IReadOnlyList<T> records, string model) => new(records, model);

    /// <summary>The hash of a payload, as the cache compares contents.</summary>
    public static string Hash(string payload) => RecordRules.Hash(payload);

    /// <summary>Extracts the ids of records passed to batchDelete (objects with an id, like batchSave's).</summary>
    public static List<string> Ids<T>(IReadOnlyList<T> records, string model) => RecordRules.Ids(records, model);
}

internal sealed record PreparedBatch(IReadOnlyList<PreparedRecord> Records, IReadOnlyList<string> Duplicates);

/// <summary>A batch prepared chunk by chunk (<see cref="RecordPreparer.Chunks{T}"/>); after the store is done, what it held.</summary>
internal sealed class PreparedChunks<T> : IPreparedChunks
{
    private readonly RecordChunker<T, PreparedRecord> _chunker;
    private IReadOnlyList<PreparedRecord>? _first;

    public PreparedChunks(IReadOnlyList<T> records, string model)
    {
        _chunker = new RecordChunker<T, PreparedRecord>(records, model, static record => new PreparedRecord(record.Id, record.PayloadUtf8, record.Hash));
        _first = _chunker.Next(RecordPreparer.ChunkRecords);
    }

    public bool HasMore => _first is not null || _chunker.HasMore;

    /// <summary>Records handed to the store so far, each id once.</summary>
    public int Rows => _chunker.Rows;

    /// <summary>The ids dropped so far as repeats of an earlier record of the batch.</summary>
    public IReadOnlyList<string> Duplicates => _chunker.Duplicates;

    public IReadOnlyList<PreparedRecord>? NextChunk()
    {
        if (_first is { } first)
        {
            _first = null;
            return first;
        }

        return _chunker.Next(RecordPreparer.ChunkRecords);
    }
}
