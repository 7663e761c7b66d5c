using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.Core.Records;

/// <summary>Checks <see cref="RecordsRetentionOptions"/> at start; a failure names the setting.</summary>
public sealed class RecordsRetentionOptionsValidator : IValidateOptions<RecordsRetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordsRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PruneAfter is { } age && age <= TimeSpan.Zero)
        {
            failures.Add($"{RecordsRetentionOptions.SettingName}: must be a whole number of days (0 or unset turns retention off); got {age.TotalDays.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{RecordsRetentionOptions.SectionName}:{nameof(RecordsRetentionOptions.Interval)}: must be more than zero.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{RecordsRetentionOptions.SectionName}:{nameof(RecordsRetentionOptions.BatchSize)}: must be at least 1; got {options.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
