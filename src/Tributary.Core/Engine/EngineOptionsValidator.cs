using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.Core.Engine;

/// <summary>
/// Checks <see cref="EngineOptions"/> before the engine starts. A failure names the setting as the CLI spells it
/// (where it has a flag) and as the options section does, so either reader finds it.
/// </summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.WorkerSlots < 1)
        {
            failures.Add($"--worker-slots ({EngineOptions.SectionName}:{nameof(EngineOptions.WorkerSlots)}): must be at least 1; got {options.WorkerSlots}.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add($"--lease-seconds ({EngineOptions.SectionName}:{nameof(EngineOptions.LeaseDuration)}): must be at least 1 second; got {Seconds(options.LeaseDuration)}.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(1))
        {
            failures.Add($"--poll-ms ({EngineOptions.SectionName}:{nameof(EngineOptions.PollInterval)}): must be at least 1 ms; got {options.PollInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.");
        }

        Positive(failures, nameof(EngineOptions.SchedulerInterval), options.SchedulerInterval);
        Positive(failures, nameof(EngineOptions.ReaperInterval), options.ReaperInterval);
        if (options.SchedulerBatchSize < 1)
        {
            failures.Add($"{EngineOptions.SectionName}:{nameof(EngineOptions.SchedulerBatchSize)}: must be at least 1; got {options.SchedulerBatchSize}.");
        }

        if (options.ShutdownGrace < TimeSpan.Zero)
        {
            failures.Add($"{EngineOptions.SectionName}:{nameof(EngineOptions.ShutdownGrace)}: must not be negative; got {Seconds(options.ShutdownGrace)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string property, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{EngineOptions.SectionName}:{property}: must be more than zero; got {Seconds(value)}.");
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s";
}
