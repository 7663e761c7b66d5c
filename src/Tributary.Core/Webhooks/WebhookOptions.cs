namespace Tributary.Core.Webhooks;

/// <summary>
/// How webhook deliveries are sent and retried. Nango retries twice (3 s, 6 s) and gives up; a delivery here keeps
/// trying, with exponential backoff and jitter, until <see cref="RetryFor"/> has passed since it was written (or
/// retried by hand), then is marked dead.
/// </summary>
public sealed record WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The variable that sets <see cref="RetryFor"/> in seconds.</summary>
    public const string RetrySetting = "TRIBUTARY_WEBHOOK_RETRY_SECONDS";

    /// <summary>The variable that sets <see cref="Timeout"/> in seconds.</summary>
    public const string TimeoutSetting = "TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS";

    /// <summary>The variable that sets <see cref="Concurrency"/>.</summary>
    public const string ConcurrencySetting = "TRIBUTARY_WEBHOOK_CONCURRENCY";

    /// <summary>The variable that sets <see cref="ClaimBatch"/>.</summary>
    public const string ClaimBatchSetting = "TRIBUTARY_WEBHOOK_CLAIM_BATCH";

    /// <summary>The variable that sets <see cref="KeepFor"/> in days (0 keeps finished deliveries for ever).</summary>
    public const string RetentionSetting = "TRIBUTARY_WEBHOOK_RETENTION_DAYS";

    public const int DefaultRetentionDays = 30;

    public static WebhookOptions Default { get; } = new();

    /// <summary>How long a delivery is retried before it is dead (default 24 h).</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>One POST's time limit (Nango's 20 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The wait after the first failure (Nango's 3 s); it doubles after each failure in a row.</summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest wait between two attempts (Nango's cap, 10 min).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// POSTs one process has in flight at once (default 16). 0: this process sends no webhooks (it still writes
    /// them with its runs' completions; another worker process delivers them).
    /// </summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>
    /// The most deliveries one claim statement takes (default 256). A process keeps up to four such batches claimed
    /// ahead of its senders and at most eight claimed and not yet recorded; answers are recorded in batches too.
    /// </summary>
    public int ClaimBatch { get; init; } = 256;

    /// <summary>
    /// The fallback poll when no completion of this process woke the workers; while claims find nothing it stretches
    /// to four times this (<see cref="IdlePoll"/>), and work of this process brings it back at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a delivered or dead delivery is kept after its retry window opened (when written, or when last retried
    /// by hand; default 30 days, as finished runs); null keeps them for ever. Pending deliveries are never deleted.
    /// </summary>
    public TimeSpan? KeepFor { get; init; } = TimeSpan.FromDays(DefaultRetentionDays);

    /// <summary>Time between two retention passes.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Deliveries one retention transaction deletes.</summary>
    public int RetentionBatchSize { get; init; } = 1_000;

    /// <summary>Retention after a whole number of days; 0 keeps finished deliveries for ever.</summary>
    public WebhookOptions WithRetentionDays(int days) => this with { KeepFor = days == 0 ? null : TimeSpan.FromDays(days) };

    /// <summary>
    /// A claim outlives a POST that uses its whole timeout, and the write that records it, so only a dead process's
    /// deliveries are taken over (after twice the timeout and 5 s; a late record is refused and the delivery is sent again).
    /// </summary>
    public TimeSpan LeaseDuration => (Timeout * 2) + TimeSpan.FromSeconds(5);
}
