using Tributary.Core.Ports;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Where the delivery worker's next claim starts in the due order: after the last delivery of a claim that came back
/// full, from the start otherwise, and from the start at least once every <c>fullPassEvery</c>.
/// </summary>
/// <remarks>
/// Why: a claim from the start reads past every delivery this worker holds (up to
/// <see cref="WebhookDeliveryWorker.MaxOutstandingBatches"/> batches of live leases, each a row fetched and
/// filtered) and, on PostgreSQL, past the index entries of deliveries recorded since the last vacuum — the claim's
/// cost grew with the outbox behind it (pgrate's profile: 8 ms per claim of ~190 over a third outbox). After a full
/// claim the next due deliveries are after its last one, except those that become claimable behind it: one handed
/// back or whose lease expired, one whose connection's older delivery was in flight, one whose completion committed
/// after later ones were claimed. Those are taken by the next claim from the start: after any claim that came back
/// short (the outbox's due part is used up, as at the end of every burst) and at least once per
/// <c>fullPassEvery</c> (the poll interval: such a delivery waits no longer than a worker that polls for new ones).
/// </remarks>
public sealed class DeliveryClaimCursor
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _fullPassEvery;
    private ClaimCursor _after = ClaimCursor.Start;
    private long _lastFullPass;

    public DeliveryClaimCursor(TimeProvider timeProvider, TimeSpan fullPassEvery)
    {
        _timeProvider = timeProvider;
        _fullPassEvery = fullPassEvery;
    }

    /// <summary>Where the next claim starts; <see cref="ClaimCursor.Start"/> is a full pass.</summary>
    public ClaimCursor Next()
    {
        if (_after != ClaimCursor.Start && _timeProvider.GetElapsedTime(_lastFullPass) < _fullPassEvery)
        {
            return _after;
        }

        _lastFullPass = _timeProvider.GetTimestamp();
        return ClaimCursor.Start;
    }

    /// <summary>After a claim of <paramref name="wanted"/> deliveries: go on past its last one if it was full, else start over.</summary>
    public void Claimed(IReadOnlyList<ClaimedDelivery> claimed, int wanted)
    {
        if (wanted == 0 || claimed.Count < wanted)
        {
            _after = ClaimCursor.Start;
            return;
        }

        var last = ClaimCursor.Start;
        foreach (var delivery in claimed)
        {
            last = ClaimCursor.Max(last, delivery.Position);
        }

        _after = last;
    }

    /// <summary>A claim failed: the next one is a full pass.</summary>
    public void Reset() => _after = ClaimCursor.Start;
}
