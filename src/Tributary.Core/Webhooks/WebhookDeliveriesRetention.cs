using Microsoft.Extensions.Logging;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Deletes delivered and dead webhook deliveries older than <see cref="WebhookOptions.KeepFor"/> every interval, in
/// bounded batches, so the outbox (about 1 KB a delivery, one per model per run with "always" on) stops growing with
/// the age of the installation. Pending deliveries are never deleted: a delivery is only ever lost by being sent.
/// </summary>
public sealed class WebhookDeliveriesRetention(IWebhookDeliveryStore deliveries, WebhookOptions options, TimeProvider timeProvider, ILogger<WebhookDeliveriesRetention> logger)
    : AgeRetentionPass(new AgeRetention("Webhook deliveries retention", options.KeepFor, options.RetentionInterval, options.RetentionBatchSize, MaxBatchesPerPass: 1_000), timeProvider, logger)
{
    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        deliveries.DeleteFinishedAsync(beforeMicros, size, cancellationToken);

    protected override void LogDone(long count) =>
        Logger.LogInformation("Webhook deliveries retention deleted {Count} delivered or dead deliveries queued more than {Age} ago.", count, MaxAge);
}
