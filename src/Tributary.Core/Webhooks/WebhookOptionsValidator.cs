using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.Core.Webhooks;

/// <summary>Checks <see cref="WebhookOptions"/> at start; a failure names the setting as a user sets it.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RetryFor < TimeSpan.FromSeconds(1) || options.RetryFor > TimeSpan.FromDays(30))
        {
            failures.Add($"{WebhookOptions.RetrySetting} (Webhooks:RetryFor): must be from 1 second to 30 days; got {Seconds(options.RetryFor)} s.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{WebhookOptions.TimeoutSetting} (Webhooks:Timeout): must be from 1 to 300 seconds; got {Seconds(options.Timeout)} s.");
        }

        if (options.FirstRetry <= TimeSpan.Zero || options.MaxRetryDelay < options.FirstRetry)
        {
            failures.Add($"Webhooks:FirstRetry: must be more than zero and at most Webhooks:MaxRetryDelay; got {Seconds(options.FirstRetry)} s and {Seconds(options.MaxRetryDelay)} s.");
        }

        if (options.Concurrency is < 0 or > 256)
        {
            failures.Add($"{WebhookOptions.ConcurrencySetting} (Webhooks:Concurrency): must be from 0 (send none from this process) to 256; got {options.Concurrency}.");
        }

        if (options.ClaimBatch is < 1 or > 10_000)
        {
            failures.Add($"{WebhookOptions.ClaimBatchSetting} (Webhooks:ClaimBatch): must be from 1 to 10000; got {options.ClaimBatch}.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("Webhooks:PollInterval: must be more than zero.");
        }

        if (options.KeepFor is { } keep && keep <= TimeSpan.Zero)
        {
            failures.Add($"{WebhookOptions.RetentionSetting} (Webhooks:KeepFor): must be a whole number of days (0 keeps finished deliveries for ever); got {keep.TotalDays.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (options.RetentionInterval <= TimeSpan.Zero)
        {
            failures.Add("Webhooks:RetentionInterval: must be more than zero.");
        }

        if (options.RetentionBatchSize < 1)
        {
            failures.Add($"Webhooks:RetentionBatchSize: must be at least 1; got {options.RetentionBatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
