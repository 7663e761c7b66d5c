using Microsoft.Extensions.Logging;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Webhooks;

/// <summary>
/// At start, hands back at once the deliveries a predecessor on this host claimed and never recorded (it died
/// mid-send), instead of leaving them until their lease expires — twice the send timeout and more. The same process
/// check as <see cref="OrphanedLeases"/> for runs, and only where it can be made (SQLite: every owner on this host).
/// </summary>
public sealed class OrphanedDeliveries
{
    private readonly IWebhookDeliveryStore _deliveries;
    private readonly ILogger<OrphanedDeliveries> _logger;

    public OrphanedDeliveries(IWebhookDeliveryStore deliveries, ILogger<OrphanedDeliveries> logger)
    {
        _deliveries = deliveries;
        _logger = logger;
    }

    /// <summary>Call before this process's delivery worker claims anything: until then no claim with our pid is ours.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (!_deliveries.LeaseOwnersShareThisHost)
        {
            return;
        }

        var owners = await _deliveries.LeaseOwnersAsync(cancellationToken);
        var dead = owners.Where(o => OrphanedLeases.IsDead(o, Environment.MachineName, Environment.ProcessId, OrphanedLeases.IsAlive)).ToList();
        if (dead.Count == 0)
        {
            return;
        }

        var released = await _deliveries.ReleaseLeasesAsync(dead, cancellationToken);
        _logger.LogWarning("Found {Count} webhook deliveries claimed by processes that are gone ({Owners}); sending them now.", released, string.Join(", ", dead));
    }
}
