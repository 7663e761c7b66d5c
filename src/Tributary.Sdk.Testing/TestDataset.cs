using System.Text.Json.Nodes;
using Tributary.Sdk.Rules;

namespace Tributary.Sdk.Testing;

/// <summary>
/// One model's records, changed as the records cache's statements change them: a position (<c>seq</c>) per change,
/// unchanged content left alone, deletes kept as tombstones, the writing run and the run that last saw each record.
/// </summary>
/// <remarks>
/// The id, normalisation, hash and merge rules are not here: callers pass records the Sdk's rules prepared.
/// </remarks>
internal sealed class TestDataset
{
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);

    /// <summary>The last position handed out; the next change gets the one after.</summary>
    public long LastSeq { get; private set; }

    public Row? Find(string id) => _rows.GetValueOrDefault(id);

    public IEnumerable<Row> Rows => _rows.Values;

    /// <summary>batchSave: inserts, restores deleted records, rewrites changed ones; the rest count as unchanged.</summary>
    public BatchResult Upsert(IReadOnlyList<NormalizedRecord> records, Write write)
    {
        int added = 0, updated = 0;
        foreach (var record in records)
        {
            if (!_rows.TryGetValue(record.Id, out var row))
            {
                var seq = ++LastSeq;
                _rows[record.Id] = new Row(record.Id, record.PayloadJson, record.Hash, seq, seq, write.Now, write.Now, null, write.Run, write.Run);
                added++;
            }
            else if ((row.Hash != record.Hash || row.DeletedAt is not null) && write.Allows(row))
            {
                var restored = row.DeletedAt is not null;
                row.PayloadJson = record.PayloadJson;
                row.Hash = record.Hash;
                row.Seq = ++LastSeq;
                row.UpdatedAt = write.Now;
                row.Run = write.Run;
                row.SeenRun = write.Run;
                if (restored)
                {
                    row.AddedSeq = row.Seq;
                    row.CreatedAt = write.Now;
                    row.DeletedAt = null;
                    added++;
                }
                else
                {
                    updated++;
                }
            }
        }

        if (write.MarkSeen)
        {
            // Deletion detection: every record of the batch counts as seen, written or not.
            foreach (var record in records)
            {
                _rows[record.Id].SeenRun = Math.Max(_rows[record.Id].SeenRun, write.Run);
            }
        }

        return new BatchResult(added, updated, 0, records.Count - added - updated);
    }

    /// <summary>batchUpdate: merges partials into live records; unknown, deleted and unchanged ones count as unchanged.</summary>
    public BatchResult Update(IReadOnlyList<NormalizedRecord> partials, Write write)
    {
        var updated = 0;
        foreach (var partial in partials)
        {
            if (!_rows.TryGetValue(partial.Id, out var row) || row.DeletedAt is not null || !write.Allows(row))
            {
                continue;
            }

            var merged = RecordRules.Merge(partial.Id, row.PayloadJson, partial.PayloadJson);
            if (merged.Hash == row.Hash)
            {
                continue;
            }

            row.PayloadJson = merged.PayloadJson;
            row.Hash = merged.Hash;
            row.Seq = ++LastSeq;
            row.UpdatedAt = write.Now;
            row.Run = write.Run;
            row.SeenRun = write.Run;
            updated++;
        }

        return new BatchResult(0, updated, 0, partials.Count - updated);
    }

    /// <summary>batchDelete: soft-deletes live records; the payload stays.</summary>
    public BatchResult Delete(IReadOnlyList<string> ids, Write write)
    {
        var deleted = 0;
        foreach (var id in ids)
        {
            if (_rows.TryGetValue(id, out var row) && row.DeletedAt is null && write.Allows(row))
            {
                SoftDelete(row, write);
                deleted++;
            }
        }

        return new BatchResult(0, 0, deleted, ids.Count - deleted);
    }

    /// <summary>Closing a deletion window: soft-deletes the live records no run has seen since <paramref name="seenSince"/>.</summary>
    public List<string> DeleteUnseen(long seenSince, Write write)
    {
        var deleted = new List<string>();
        foreach (var row in _rows.Values.Where(r => r.DeletedAt is null && r.SeenRun < seenSince).OrderBy(r => r.Id, StringComparer.Ordinal).ToList())
        {
            SoftDelete(row, write);
            deleted.Add(row.Id);
        }

        return deleted;
    }

    private void SoftDelete(Row row, Write write)
    {
        row.Seq = ++LastSeq;
        row.DeletedAt = write.Now;
        row.UpdatedAt = write.Now;
        row.Run = write.Run;
    }

    /// <summary>What one write carries.</summary>
    /// <param name="Run">The writing run (0 for records seeded as another run's).</param>
    /// <param name="Now">The write's time.</param>
    /// <param name="MarkSeen">Whether a deletion window is open: records the write leaves unchanged count as seen.</param>
    /// <param name="Guard">With <c>IgnoreIfModifiedAfter</c>, the position after which another run's changes are left alone.</param>
    public sealed record Write(long Run, DateTimeOffset Now, bool MarkSeen, long? Guard)
    {
        public bool Allows(Row row) => Guard is not { } guard || row.Seq <= guard || row.Run == Run;
    }

    /// <summary>One stored record.</summary>
    public sealed class Row(string id, string payloadJson, string hash, long seq, long addedSeq, DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset? deletedAt, long run, long seenRun)
    {
        public string Id { get; } = id;

        public string PayloadJson { get; set; } = payloadJson;

        public string Hash { get; set; } = hash;

        public long Seq { get; set; } = seq;

        public long AddedSeq { get; set; } = addedSeq;

        public DateTimeOffset CreatedAt { get; set; } = createdAt;

        public DateTimeOffset UpdatedAt { get; set; } = updatedAt;

        public DateTimeOffset? DeletedAt { get; set; } = deletedAt;

        /// <summary>The run that last changed the record.</summary>
        public long Run { get; set; } = run;

        /// <summary>The last run that saved it (changed or not) while a deletion window was open.</summary>
        public long SeenRun { get; set; } = seenRun;

        public TestRecord ToTestRecord() => new(Id, Payload(), PayloadJson, ToMetadata());

        public CachedRecord ToCachedRecord() => new(Id, Payload(), ToMetadata());

        // Every stored payload passed the Sdk's record rules, which accept JSON objects only.
        private JsonObject Payload() => JsonNode.Parse(PayloadJson) as JsonObject ?? new JsonObject { ["id"] = Id };

        private RecordMetadata ToMetadata() => new(
            CreatedAt,
            UpdatedAt,
            DeletedAt is not null ? RecordAction.Deleted : AddedSeq == Seq ? RecordAction.Added : RecordAction.Updated,
            DeletedAt,
            null,
            RecordCursors.Encode(Seq));
    }
}
