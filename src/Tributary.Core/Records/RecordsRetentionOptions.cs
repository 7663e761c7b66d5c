namespace Tributary.Core.Records;

/// <summary>
/// Optional retention: payloads of records not modified for <see cref="PruneAfter"/> are pruned (as
/// <c>PATCH /records/prune</c> does: metadata and cursor positions stay, a later save restores the payload).
/// Off unless the host configures it (the CLI from <see cref="SettingName"/>, a number of days).
/// </summary>
public sealed record RecordsRetentionOptions(TimeSpan? PruneAfter, TimeSpan Interval, int BatchSize)
{
    public const string SectionName = "RecordsRetention";

    /// <summary>The setting's name, for messages; the host reads it (this library reads no environment).</summary>
    public const string SettingName = "TRIBUTARY_RECORDS_RETENTION_DAYS";

    public static RecordsRetentionOptions Off { get; } = new(null, TimeSpan.FromHours(1), 10_000);

    /// <summary>Retention after a whole number of days; 0 is off.</summary>
    public static RecordsRetentionOptions FromDays(int days) => days == 0 ? Off : Off with { PruneAfter = TimeSpan.FromDays(days) };
}
