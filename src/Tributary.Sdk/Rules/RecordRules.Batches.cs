using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace Tributary.Sdk.Rules;

/// <summary>
/// A batch's records serialized in order, then normalised and hashed on up to four threads for a large batch.
/// </summary>
/// <remarks>
/// Why: a run's batch is prepared while its database connection waits, and the database waits while the batch is
/// prepared — one after the other. Normalising and hashing (the UTF-8 to text decode and SHA-256 of each ~1 KB
/// payload) were most of that preparation in the PostgreSQL ingest's profile, and they are pure functions of the
/// serialized bytes, so a large batch splits them across cores. Serialization stays on the caller's thread, in order:
/// it runs the function's own objects (a <c>JsonObject</c> materializes lazily and is not safe to read from two
/// threads). The outcome is exactly the one-by-one outcome: rows in batch order, and when records break a rule, the
/// error of the first one (a serialization error of a later record does not hide it).
/// </remarks>
internal static partial class RecordRules
{
    /// <summary>From this many records a batch is normalised on several threads; below it the hand-off costs more than it saves.</summary>
    internal const int ParallelFrom = 256;

    private const int MaxParts = 4;

    /// <summary>Every record of <paramref name="records"/> serialized and normalised, in order (duplicates included).</summary>
    internal static NormalizedRecord[] NormalizeAll<T>(IReadOnlyList<T> records, string model)
    {
        var parts = Math.Min(Environment.ProcessorCount, MaxParts);
        if (records.Count < ParallelFrom || parts < 2)
        {
            return NormalizeInOrder(records, model);
        }

        var serialized = SerializedBatch.Write(records);
        try
        {
            var normalized = new NormalizedRecord[serialized.Count];
            var firstFailure = int.MaxValue;
            InvalidRecordsException? failure = null;
            var gate = new Lock();
            Parallel.For(0, parts, part =>
            {
                var (from, to) = (serialized.Count * part / parts, serialized.Count * (part + 1) / parts);
                for (var index = from; index < to; index++)
                {
                    try
                    {
                        normalized[index] = Normalize(serialized.Record(index), model, index);
                    }
                    catch (InvalidRecordsException e)
                    {
                        lock (gate)
                        {
                            if (index < firstFailure)
                            {
                                (firstFailure, failure) = (index, e);
                            }
                        }

                        // The rest of this part comes after the failure: its errors can only be later ones.
                        return;
                    }
                }
            });

            if (failure is not null)
            {
                throw failure;
            }

            // Every record before the one that did not serialize is valid: its error is the batch's first.
            serialized.SerializeError?.Throw();
            return normalized;
        }
        finally
        {
            serialized.Dispose();
        }
    }

    private static NormalizedRecord[] NormalizeInOrder<T>(IReadOnlyList<T> records, string model)
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

    /// <summary>A batch's serialized records end to end in one pooled buffer; stops at the first record that does not serialize.</summary>
    private sealed class SerializedBatch : IDisposable
    {
        private readonly int[] _ends;
        private byte[] _bytes;

        private SerializedBatch(int capacity)
        {
            _ends = new int[capacity];
            _bytes = ArrayPool<byte>.Shared.Rent(capacity * 1024);
        }

        /// <summary>How many records were serialized (all of them unless <see cref="SerializeError"/> is set).</summary>
        public int Count { get; private set; }

        /// <summary>The exception the record at <see cref="Count"/> threw while serializing, if one did.</summary>
        public ExceptionDispatchInfo? SerializeError { get; private set; }

        public static SerializedBatch Write<T>(IReadOnlyList<T> records)
        {
            var batch = new SerializedBatch(records.Count);
            var scratch = new ArrayBufferWriter<byte>(2048);
            using var writer = new Utf8JsonWriter(scratch);
            try
            {
                for (var index = 0; index < records.Count; index++)
                {
                    // One writer for the batch, reset per record: a writer per record was 3% of a records run's allocations.
                    scratch.ResetWrittenCount();
                    writer.Reset(scratch);
                    try
                    {
                        JsonSerializer.Serialize(writer, records[index], Options);
                        writer.Flush();
                    }
                    catch (Exception e)
                    {
                        batch.SerializeError = ExceptionDispatchInfo.Capture(e);
                        break;
                    }

                    batch.Append(scratch.WrittenSpan);
                }
            }
            catch
            {
                batch.Dispose();
                throw;
            }

            return batch;
        }

        public ReadOnlySpan<byte> Record(int index)
        {
            var start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
        }

        private void Append(ReadOnlySpan<byte> json)
        {
            var start = Count == 0 ? 0 : _ends[Count - 1];
            if (start + json.Length > _bytes.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, start + json.Length));
                _bytes.AsSpan(0, start).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = larger;
            }

            json.CopyTo(_bytes.AsSpan(start));
            _ends[Count] = start + json.Length;
            Count++;
        }
    }
}
