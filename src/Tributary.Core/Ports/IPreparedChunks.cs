namespace Tributary.Core.Ports;

/// <summary>
/// A batch for <see cref="IRecordStore.UpsertAsync(RecordWrite, IPreparedChunks, CancellationToken)"/>, prepared a chunk
/// at a time on the thread that asks for it. Each id comes once, in the batch's order.
/// </summary>
public interface IPreparedChunks
{
    /// <summary>Whether a chunk is left to prepare.</summary>
    bool HasMore { get; }

    /// <summary>The next chunk's records (none when all repeated earlier ids); null once the batch is done.</summary>
    /// <exception cref="Tributary.Sdk.InvalidRecordsException">A record breaks a rule: the batch must write nothing.</exception>
    IReadOnlyList<PreparedRecord>? NextChunk();
}
