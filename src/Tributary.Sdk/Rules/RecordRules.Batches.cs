using System.Buffers;
using System.Text.Json;

namespace Tributary.Sdk.Rules;

/// <summary>A batch's records serialized and normalised in order, on the caller's thread.</summary>
/// <remarks>
/// One preparing thread on purpose (a store may write the prepared records on another meanwhile). Normalising a
/// large batch on several threads (from 256 records, up to four; 28b45ce) saved part of the ~2.5 ms a 1,000-record
/// batch is prepared while its database connection waits, a gain the end-to-end ingest runs could not separate from
/// their noise; but half of every batch's payloads were then allocated on a second thread, and the records worker's
/// peak RSS was 7-10 MB higher after both B11 runs in every alternated pair
/// (docs/benchmarks.md, issue 8's B11.peak_large; with the server GC a second allocating thread is most likely a
/// second heap's budget).
/// </remarks>
internal static partial class RecordRules
{
    /// <summary>
    /// Serializes and normalises the records in order and hands each id's first occurrence to <paramref name="kept"/>
    /// (with <paramref name="state"/>) as soon as it is ready (a store may be writing the earlier ones meanwhile);
    /// returns the ids of the later occurrences, dropped. A record that breaks a rule throws
    /// <see cref="InvalidRecordsException"/> when it is reached.
    /// </summary>
    internal static List<string> PrepareEach<T, TState>(IReadOnlyList<T> records, string model, Action<NormalizedRecord, TState> kept, TState state)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(kept);
        var seen = new HashSet<string>(records.Count, StringComparer.Ordinal);
        var duplicates = new List<string>();
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(buffer);
        for (var index = 0; index < records.Count; index++)
        {
            // One writer for the batch, reset per record: a writer per record was 3% of a records run's allocations.
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, records[index], Options);
            writer.Flush();
            var record = Normalize(buffer.WrittenSpan, model, index);
            if (seen.Add(record.Id))
            {
                kept(record, state);
            }
            else
            {
                duplicates.Add(record.Id);
            }
        }

        return duplicates;
    }
}
