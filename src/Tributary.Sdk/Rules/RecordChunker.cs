using System.Buffers;
using System.Text.Json;

namespace Tributary.Sdk.Rules;

/// <summary>
/// A batch's records serialized, normalised and de-duplicated in order, a chunk at a time, on the thread that asks:
/// the engine writes one chunk of a batch while it prepares the next (<c>SqlRecordStore</c>), and a whole batch is
/// one chunk (<see cref="RecordRules.Prepare{T, TRow}"/>). The first occurrence of an id wins across the whole batch,
/// as Nango keeps it.
/// </summary>
/// <remarks>
/// Prepared on the asking thread, in order, on purpose. Normalising a large batch on several threads at once (28b45ce)
/// saved part of the ~2.5 ms a 1,000-record batch takes to prepare, a gain the end-to-end runs could not separate from
/// their noise; but half of every batch's payloads were then allocated on a second thread, and the records worker's
/// peak RSS was 7-10 MB higher after both B11 runs in every alternated pair (docs/benchmarks.md). A chunker keeps the
/// preparation on one thread at a time and lets the database's work, not a second preparer, take the other core.
/// </remarks>
internal sealed class RecordChunker<T, TRow>
{
    private readonly IReadOnlyList<T> _records;
    private readonly string _model;
    private readonly Func<NormalizedRecord, TRow> _row;
    private readonly HashSet<string> _seen;
    private readonly List<string> _duplicates = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private int _next;

    public RecordChunker(IReadOnlyList<T> records, string model, Func<NormalizedRecord, TRow> row)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(row);
        _records = records;
        _model = model;
        _row = row;
        _seen = new HashSet<string>(records.Count, StringComparer.Ordinal);
    }

    /// <summary>Whether records are left to prepare.</summary>
    public bool HasMore => _next < _records.Count;

    /// <summary>Rows handed out so far (each id once).</summary>
    public int Rows { get; private set; }

    /// <summary>The ids dropped so far as repeats of an earlier record of the batch, in order.</summary>
    public IReadOnlyList<string> Duplicates => _duplicates;

    /// <summary>
    /// The rows of the next <paramref name="records"/> records (fewer when some repeat an earlier id; possibly none);
    /// null when every record was prepared.
    /// </summary>
    /// <exception cref="InvalidRecordsException">A record breaks a rule; the message names the model and the index.</exception>
    public List<TRow>? Next(int records)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        if (!HasMore)
        {
            return null;
        }

        var end = (int)Math.Min((long)_next + records, _records.Count);
        var rows = new List<TRow>(end - _next);

        // One writer per chunk, reset per record: a writer per record was 3% of a records run's allocations.
        using var writer = new Utf8JsonWriter(_buffer);
        for (; _next < end; _next++)
        {
            _buffer.ResetWrittenCount();
            writer.Reset(_buffer);
            JsonSerializer.Serialize(writer, _records[_next], RecordRules.SerializerOptions);
            writer.Flush();
            var record = RecordRules.Normalize(_buffer.WrittenSpan, _model, _next);
            if (_seen.Add(record.Id))
            {
                rows.Add(_row(record));
            }
            else
            {
                _duplicates.Add(record.Id);
            }
        }

        Rows += rows.Count;
        return rows;
    }
}
