using Microsoft.Extensions.Options;
using Tributary.Core.Engine;

namespace Tributary.Server.Hosting;

/// <summary>
/// Checks <see cref="TributaryServerOptions"/> at start; every failure names the setting as a user sets it (flag
/// and variable). Key values never appear in a message: they are secrets.
/// </summary>
public sealed class TributaryServerOptionsValidator : IValidateOptions<TributaryServerOptions>
{
    private const string KeyRule = "must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)";

    public ValidateOptionsResult Validate(string? name, TributaryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("--data-dir / TRIBUTARY_DATA_DIR: must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ConfigPath))
        {
            failures.Add("--config / TRIBUTARY_CONFIG: must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("--host / TRIBUTARY_HOST: must not be empty.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"--port / TRIBUTARY_PORT: must be 1-65535; got {options.Port}.");
        }

        if (!string.IsNullOrEmpty(options.OtlpEndpoint)
            && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var otlp) || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("--otlp-endpoint / TRIBUTARY_OTLP_ENDPOINT: must be an http:// or https:// URL (e.g. http://127.0.0.1:4317).");
        }

        if (!Enum.IsDefined(options.Role))
        {
            failures.Add($"--role: must be {string.Join(", ", ServerRoles.Names)}.");
        }

        if (options.PathBase is { Length: > 0 } pathBase && !pathBase.StartsWith('/'))
        {
            failures.Add($"--path-base / TRIBUTARY_PATH_BASE: must start with '/' (e.g. /nango); got '{pathBase}'.");
        }

        if (options.RateLimitPerMinute < 0)
        {
            failures.Add($"--rate-limit-per-minute / TRIBUTARY_RATE_LIMIT_PER_MINUTE: must be 0 (off) or more; got {options.RateLimitPerMinute}.");
        }

        if (!IsKeyOrEmpty(options.EncryptionKey))
        {
            failures.Add($"TRIBUTARY_ENCRYPTION_KEY: {KeyRule}.");
        }

        if (!IsKeyOrEmpty(options.RecordsEncryptionKey))
        {
            failures.Add($"TRIBUTARY_RECORDS_ENCRYPTION_KEY: {KeyRule}.");
        }

        if (options.RecordsRetention is null)
        {
            failures.Add("TRIBUTARY_RECORDS_RETENTION_DAYS: the retention options are missing.");
        }

        if (options.RunsRetention is null)
        {
            failures.Add($"{RunsRetentionOptions.SettingName}: the runs retention options are missing.");
        }

        if (options.Webhooks is null)
        {
            failures.Add($"{Tributary.Core.Webhooks.WebhookOptions.RetrySetting}: the webhook options are missing.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>An AES-256 key in base64, or nothing (then the feature keeps its default).</summary>
    internal static bool IsKeyOrEmpty(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[48];
        return Convert.TryFromBase64String(base64.Trim(), bytes, out var written) && written == 32;
    }
}
