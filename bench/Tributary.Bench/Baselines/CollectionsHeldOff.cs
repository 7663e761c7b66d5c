using System.Runtime;

namespace Tributary.Bench.Baselines;

/// <summary>
/// Keeps the bench process from collecting garbage while a timed stream of POSTs reaches <see cref="WebhookReceiver"/>
/// (a no-GC region with room for them), so that the receiver's pauses are in neither side of B14.rate.
/// </summary>
/// <remarks>
/// The bench process is also the receiver, and it holds a whole run's bodies and results. Its collections paused it
/// 29–40 ms within every timed outbox of ~0.5 s (a tenth of the window, and a 20 ms bin with no POST in each
/// timeline), while of the two bare rounds the better was usually the one without: the figure compared the receiver's
/// collections more than the delivery. The region starts with a collection of its own, before the stream starts.
/// </remarks>
internal sealed class CollectionsHeldOff : IDisposable
{
    /// <summary>Room for what the receiver allocates for a full outbox (a few KB a POST) with a wide margin.</summary>
    private const long Room = 256L << 20;

    private readonly bool _started;

    /// <summary>Whether the region lasted to its end, fixed when it ends (the runtime's mode says nothing after that).</summary>
    private bool? _heldToEnd;

    private CollectionsHeldOff(bool started) => _started = started;

    /// <summary>Starts the region; when the runtime refuses it, the stream is measured with collections, as before.</summary>
    public static CollectionsHeldOff Start()
    {
        try
        {
            return new CollectionsHeldOff(GC.TryStartNoGCRegion(Room));
        }
        catch (InvalidOperationException)
        {
            // Already in one: the outer region holds them off.
            return new CollectionsHeldOff(false);
        }
    }

    /// <summary>
    /// Whether no collection has happened since the start (false once the room ran out, or if it never started); after
    /// <see cref="Dispose"/>, whether that was so when the region ended.
    /// </summary>
    public bool Held => _heldToEnd ?? (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion);

    public string Describe() => Held ? "held off" : "not held off";

    public void Dispose()
    {
        if (_heldToEnd is not null)
        {
            return;
        }

        _heldToEnd = Held;
        if (_heldToEnd.Value)
        {
            GC.EndNoGCRegion();
        }
    }
}
