using Tributary.Core.Engine;
using Tributary.Core.Logs;
using Tributary.Core.Records;

namespace Tributary.Server.Hosting;

/// <summary>
/// Everything <c>tributary serve</c> (and tests) can set. The CLI is the one place that fills it from flags and
/// TRIBUTARY_* variables; <see cref="TributaryServerOptionsValidator"/> checks it before anything starts.
/// </summary>
public sealed class TributaryServerOptions
{
    public const string SectionName = "Tributary";

    /// <summary>Where SQLite, the generated secret key and the encryption key live (<c>--data-dir</c> / TRIBUTARY_DATA_DIR).</summary>
    public string DataDir { get; set; } = ".tributary";

    /// <summary>A PostgreSQL connection string or URL (<c>--database</c> / TRIBUTARY_DATABASE_URL); null or empty selects SQLite in <see cref="DataDir"/>.</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>The configuration file; when it does not exist the demo configuration is deployed.</summary>
    public string ConfigPath { get; set; } = "tributary.yaml";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 3003;

    public ServerRole Role { get; set; } = ServerRole.All;

    /// <summary>The dev environment's secret key; generated and kept in the data folder when not set.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The credentials key (TRIBUTARY_ENCRYPTION_KEY, 32 bytes in base64); generated and kept in the data folder when not set.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The record payload key (TRIBUTARY_RECORDS_ENCRYPTION_KEY, 32 bytes in base64); payloads are stored in plaintext when not set.</summary>
    public string? RecordsEncryptionKey { get; set; }

    /// <summary>Payload retention (TRIBUTARY_RECORDS_RETENTION_DAYS); off by default.</summary>
    public RecordsRetentionOptions RecordsRetention { get; set; } = RecordsRetentionOptions.Off;

    /// <summary>How long finished runs are kept (TRIBUTARY_RUNS_RETENTION_DAYS); 30 days by default.</summary>
    public RunsRetentionOptions RunsRetention { get; set; } = RunsRetentionOptions.Default;

    /// <summary>Run log caps and retention (TRIBUTARY_RUN_LOG_MAX_LINES, TRIBUTARY_RUN_LOG_MAX_BYTES, TRIBUTARY_RUN_LOGS_RETENTION_DAYS).</summary>
    public RunLogOptions RunLogs { get; set; } = RunLogOptions.Default;

    /// <summary>An OTLP collector for traces (<c>--otlp-endpoint</c> / TRIBUTARY_OTLP_ENDPOINT); no traces are exported without one.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Whether <c>GET /metrics</c> requires a secret key (TRIBUTARY_METRICS_REQUIRE_KEY); public by default.</summary>
    public bool MetricsRequireKey { get; set; }
    /// <summary>How webhooks are sent and retried (TRIBUTARY_WEBHOOK_RETRY_SECONDS, TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS).</summary>
    public Tributary.Core.Webhooks.WebhookOptions Webhooks { get; set; } = Tributary.Core.Webhooks.WebhookOptions.Default;

    /// <summary>
    /// The server's address as browsers and OAuth providers reach it (TRIBUTARY_PUBLIC_URL), e.g.
    /// <c>https://tributary.example.com</c>: the OAuth <c>redirect_uri</c> is <c>{PublicUrl}/oauth/callback</c>. Null: the
    /// request's own scheme, host and path prefix.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>A path prefix the API is served under (e.g. <c>/nango</c>).</summary>
    public string? PathBase { get; set; }

    /// <summary>Requests per minute per environment; 0 disables the limit.</summary>
    public int RateLimitPerMinute { get; set; } = 60_000;

    public bool AutoMigrate { get; set; } = true;

    public bool Quiet { get; set; }
}
