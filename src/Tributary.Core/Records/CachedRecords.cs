using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Sdk;

namespace Tributary.Core.Records;

/// <summary>Turns stored rows into what the SDK hands to functions, with the same metadata rules as <c>GET /records</c>.</summary>
internal static class CachedRecords
{
    public static RecordAction ActionOf(StoredRecord record) =>
        record.DeletedAt is not null ? RecordAction.Deleted
        : record.AddedSeq == record.Seq ? RecordAction.Added
        : RecordAction.Updated;

    public static CachedRecord From(StoredRecord record)
    {
        // A pruned record keeps only its id, as Nango returns it.
        var payload = record.PrunedAt is null && JsonNode.Parse(record.PayloadJson) is JsonObject stored
            ? stored
            : new JsonObject { ["id"] = record.ExternalId };
        return new CachedRecord(
            record.ExternalId,
            payload,
            new RecordMetadata(
                Micros.ToDateTimeOffset(record.CreatedAt),
                Micros.ToDateTimeOffset(record.UpdatedAt),
                ActionOf(record),
                Micros.ToDateTimeOffset(record.DeletedAt),
                Micros.ToDateTimeOffset(record.PrunedAt),
                RecordCursor.Encode(record.Seq)));
    }
}
