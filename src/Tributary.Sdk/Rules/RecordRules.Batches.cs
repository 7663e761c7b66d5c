using System.Buffers;
using System.Text.Json;

namespace Tributary.Sdk.Rules;

/// <summary>A batch's records serialized and normalised in order, on the caller's thread.</summary>
/// <remarks>
/// One thread on purpose. Normalising a large batch on several threads (from 256 records, up to four; 28b45ce) saved
/// part of the ~2.5 ms a 1,000-record batch is prepared while its database connection waits, a gain the end-to-end
/// ingest runs could not separate from their noise; but half of every batch's payloads were then allocated on a second
/// thread, and the records worker's peak RSS was 7-10 MB higher after both B11 runs in every alternated pair
/// (docs/benchmarks.md, issue 8's B11.peak_large; with the server GC a second allocating thread is most likely a
/// second heap's budget).
/// </remarks>
internal static partial class RecordRules
{
    /// <summary>Every record of <paramref name="records"/> serialized and normalised, in order (duplicates included).</summary>
    internal static NormalizedRecord[] NormalizeAll<T>(IReadOnlyList<T> records, string model)
    {
        var normalized = new NormalizedRecord[records.Count];
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(buffer);
        for (var index = 0; index < records.Count; index++)
        {
            // One writer for the batch, reset per record: a writer per record was 3% of a records run's allocations.
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, records[index], Options);
            writer.Flush();
            normalized[index] = Normalize(buffer.WrittenSpan, model, index);
        }

        return normalized;
    }
}
