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
    /// Prepares the batch into <paramref name="feed"/> record by record (each id's first occurrence, in order) and
    /// completes it; returns the ids of the duplicates dropped. A record that breaks a rule throws when reached.
    /// </summary>
    public static IReadOnlyList<string> PrepareInto<T>(IReadOnlyList<T> records, string model, PreparedRecordFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var duplicates = RecordRules.PrepareEach(records, model, static (record, feed) => feed.Add(new PreparedRecord(record.Id, record.PayloadUtf8, record.Hash)), feed);
        feed.Complete();
        return duplicates;
    }

    /// <summary>The hash of a payload, as the cache compares contents.</summary>
    public static string Hash(string payload) => RecordRules.Hash(payload);

    /// <summary>Extracts the ids of records passed to batchDelete (objects with an id, like batchSave's).</summary>
    public static List<string> Ids<T>(IReadOnlyList<T> records, string model) => RecordRules.Ids(records, model);
}

internal sealed record PreparedBatch(IReadOnlyList<PreparedRecord> Records, IReadOnlyList<string> Duplicates);
