using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.Core.Logs;

/// <summary>Checks <see cref="RunLogOptions"/> at start; a failure names the setting.</summary>
public sealed class RunLogOptionsValidator : IValidateOptions<RunLogOptions>
{
    /// <summary>Below this a run could not hold its claim, its failure and the marker line.</summary>
    public const long MinLines = 10;

    /// <summary>The marker and a few short lines must fit.</summary>
    public const long MinBytes = 1024;

    public ValidateOptionsResult Validate(string? name, RunLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxLinesPerRun < MinLines)
        {
            failures.Add($"{RunLogOptions.MaxLinesSetting}: must be at least {MinLines}; got {options.MaxLinesPerRun}.");
        }

        if (options.MaxBytesPerRun < MinBytes)
        {
            failures.Add($"{RunLogOptions.MaxBytesSetting}: must be at least {MinBytes}; got {options.MaxBytesPerRun}.");
        }

        if (options.KeepFor is { } keep && keep <= TimeSpan.Zero)
        {
            failures.Add($"{RunLogOptions.RetentionSetting}: must be a whole number of days (0 keeps logs for ever); got {keep.TotalDays.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (options.MaxLineChars < 80)
        {
            failures.Add($"{RunLogOptions.SectionName}:{nameof(RunLogOptions.MaxLineChars)}: must be at least 80; got {options.MaxLineChars}.");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{RunLogOptions.SectionName}:{nameof(RunLogOptions.Interval)}: must be more than zero.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{RunLogOptions.SectionName}:{nameof(RunLogOptions.BatchSize)}: must be at least 1; got {options.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
