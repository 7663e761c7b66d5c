using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.Core.Engine;

/// <summary>Checks <see cref="RunsRetentionOptions"/> at start; a failure names the setting.</summary>
public sealed class RunsRetentionOptionsValidator : IValidateOptions<RunsRetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RunsRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.KeepFor is { } keep && keep <= TimeSpan.Zero)
        {
            failures.Add($"{RunsRetentionOptions.SettingName}: must be a whole number of days (0 keeps runs for ever); got {keep.TotalDays.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{RunsRetentionOptions.SectionName}:{nameof(RunsRetentionOptions.Interval)}: must be more than zero.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{RunsRetentionOptions.SectionName}:{nameof(RunsRetentionOptions.BatchSize)}: must be at least 1; got {options.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
