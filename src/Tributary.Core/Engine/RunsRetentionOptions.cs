namespace Tributary.Core.Engine;

/// <summary>
/// How long finished runs are kept: runs that finished more than <see cref="KeepFor"/> ago are deleted, in
/// batches of <see cref="BatchSize"/> every <see cref="Interval"/>, except each sync's latest run (status shows it).
/// The host reads <see cref="SettingName"/> (a number of days; 0 keeps runs for ever).
/// </summary>
public sealed record RunsRetentionOptions(TimeSpan? KeepFor, TimeSpan Interval, int BatchSize)
{
    public const string SectionName = "RunsRetention";

    /// <summary>The setting's name, for messages; the host reads it (this library reads no environment).</summary>
    public const string SettingName = "TRIBUTARY_RUNS_RETENTION_DAYS";

    public const int DefaultDays = 30;

    public static RunsRetentionOptions Default { get; } = new(TimeSpan.FromDays(DefaultDays), TimeSpan.FromHours(1), 1_000);

    /// <summary>Retention after a whole number of days; 0 keeps runs for ever.</summary>
    public static RunsRetentionOptions FromDays(int days) => Default with { KeepFor = days == 0 ? null : TimeSpan.FromDays(days) };
}
