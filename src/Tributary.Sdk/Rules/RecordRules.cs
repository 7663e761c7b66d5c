using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Sdk.Rules;

/// <summary>
/// Turns what a function passes to batchSave, batchUpdate and batchDelete into what the cache stores: JSON text with
/// <c>id</c> as a string (Nango returns ids as strings), the external id, and a content hash for change detection.
/// Duplicates within a batch keep the first occurrence, as Nango does.
/// </summary>
internal static partial class RecordRules
{
    public const int MaxIdLength = 255;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [ThreadStatic]
    private static IncrementalHash? _threadSha256;

    /// <summary>Serializes and normalises a batch; <paramref name="row"/> makes the caller's row of each record without a copy.</summary>
    /// <exception cref="InvalidRecordsException">A record breaks a rule; the message names the model and the index.</exception>
    public static RecordBatch<TRow> Prepare<T, TRow>(IReadOnlyList<T> records, string model, Func<NormalizedRecord, TRow> row)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(row);
        var prepared = new List<TRow>(records.Count);
        var duplicates = PrepareEach(records, model, static (record, s) => s.Prepared.Add(s.Row(record)), (Prepared: prepared, Row: row));
        return new RecordBatch<TRow>(prepared, duplicates);
    }

    /// <summary>Normalises one serialized record; throws <see cref="InvalidRecordsException"/> naming the model and index.</summary>
    public static NormalizedRecord Normalize(ReadOnlySpan<byte> json, string model, int index)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidRecordsException($"Record {index} of model '{model}' is not a JSON object.");
        }

        string? id = null;
        long idStart = -1, idEnd = -1;
        var idWasString = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            // Only top-level properties matter; nested objects and arrays are skipped whole.
            var isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            if (isId && id is null)
            {
                idStart = reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        id = reader.GetString();
                        idWasString = true;
                        break;
                    case JsonTokenType.Number:
                        id = Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    default:
                        throw new InvalidRecordsException($"Record {index} of model '{model}' has an id that is neither a string nor a number.");
                }

                idEnd = reader.BytesConsumed;
            }
            else
            {
                reader.Skip();
            }
        }

        if (id is null)
        {
            throw new InvalidRecordsException($"Record {index} of model '{model}' has no id field.");
        }

        id = id.Replace("\0", string.Empty, StringComparison.Ordinal);
        if (id.Length == 0 || id.Length > MaxIdLength)
        {
            throw new InvalidRecordsException($"Record {index} of model '{model}' has an id of {id.Length} characters; ids are 1 to {MaxIdLength} characters.");
        }

        byte[] payload;
        if (idWasString)
        {
            // The serialized bytes are the payload: kept as UTF-8 (half the size of its text, and what the database
            // stores), hashed as they are.
            payload = json.ToArray();
        }
        else
        {
            // A numeric id is stored as a string: readers get the same id whatever type the API returned.
            var quoted = JsonSerializer.SerializeToUtf8Bytes(id);
            payload = new byte[idStart + quoted.Length + (json.Length - idEnd)];
            json[..(int)idStart].CopyTo(payload);
            quoted.CopyTo(payload.AsSpan((int)idStart));
            json[(int)idEnd..].CopyTo(payload.AsSpan((int)idStart + quoted.Length));
        }

        return new NormalizedRecord(id, payload, Hash(payload));
    }

    /// <summary>The ids of records passed to batchDelete (objects with an id, like batchSave's), each once, in order.</summary>
    public static List<string> Ids<T>(IReadOnlyList<T> records, string model)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ids = new List<string>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < records.Count; index++)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(records[index], Options);
            var record = Normalize(bytes, model, index);
            if (seen.Add(record.Id))
            {
                ids.Add(record.Id);
            }
        }

        return ids;
    }

    /// <summary>
    /// batchUpdate's result for one record: the partial merged onto the stored payload (objects deeply, everything else
    /// replaced), and its hash. A pruned record (<paramref name="storedPayloadJson"/> null) has lost its payload: the
    /// merge starts from its id.
    /// </summary>
    public static NormalizedRecord Merge(string id, string? storedPayloadJson, string partialJson)
    {
        var target = storedPayloadJson is not null && JsonNode.Parse(storedPayloadJson) is JsonObject live
            ? live
            : new JsonObject { ["id"] = id };
        if (JsonNode.Parse(partialJson) is JsonObject partial)
        {
            JsonMerge.Into(target, partial);
        }

        var payload = Encoding.UTF8.GetBytes(target.ToJsonString());

        // The stored hash is the merged payload's (Nango hashes the partial, so the next identical save looks changed).
        return new NormalizedRecord(id, payload, Hash(payload));
    }

    public static string Hash(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(payload));
        try
        {
            var written = Encoding.UTF8.GetBytes(payload, rented);
            return Hash(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The hash of a payload given as its UTF-8 bytes (the same value <see cref="Hash(string)"/> gives for its text).</summary>
    public static string Hash(ReadOnlySpan<byte> utf8Payload)
    {
        // One SHA-256 context per thread, reused: the one-shot SHA256.HashData sets up and frees OpenSSL's context on
        // every call, a large part of the cost for a ~1 KB payload (a console measure under load: 1.2–3× the reused
        // context's time per payload). A context whose use threw is dropped, so a half-fed one is never reused.
        var sha256 = _threadSha256 ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _threadSha256 = null;
        Span<byte> hash = stackalloc byte[32];
        sha256.AppendData(utf8Payload);
        sha256.GetHashAndReset(hash);
        _threadSha256 = sha256;

        // 128 bits of SHA-256 are plenty for change detection and halve the index footprint.
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>One record as the cache stores it.</summary>
/// <param name="Id">The external id, always a string.</param>
/// <param name="PayloadUtf8">
/// The payload's JSON as UTF-8, with a numeric id turned into a string. Why bytes and not text: a batch's prepared
/// payloads are alive from preparation until the store has written them, so every garbage collection during a run
/// found one batch of them alive and promoted it; as UTF-16 strings they were twice the size and half of everything a
/// records run allocated (benchmark B11's peak memory). SQLite stores the bytes as they are.
/// </param>
/// <param name="Hash">The content hash; equal hashes mean unchanged content.</param>
internal readonly record struct NormalizedRecord(string Id, byte[] PayloadUtf8, string Hash)
{
    /// <summary>The payload's JSON text, decoded on each call.</summary>
    public string PayloadJson => Encoding.UTF8.GetString(PayloadUtf8);
}

/// <summary>A prepared batch: its rows (first occurrence of each id) and the ids dropped as repeats.</summary>
internal sealed record RecordBatch<TRow>(IReadOnlyList<TRow> Records, IReadOnlyList<string> Duplicates);
