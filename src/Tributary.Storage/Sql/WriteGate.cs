namespace Tributary.Storage.Sql;

/// <summary>What a write is, for the <see cref="WriteGate"/>: short control-plane work, or a bulk record write.</summary>
public enum WriteKind
{
    /// <summary>Triggers, claims, completions, heartbeats, checkpoints, schedules, API writes: short, latency-bound.</summary>
    Control,

    /// <summary>Record batches, cache purges, prunes: long, throughput-bound, and as many as there are running syncs.</summary>
    Bulk,
}

/// <summary>
/// Admission control for the writes of this process: bulk record writes take a bounded number of slots, and a
/// waiting control write goes ahead of every waiting bulk write.
/// </summary>
/// <remarks>
/// <para>
/// Why: under ingest load, 50 running syncs each want to write a batch. On SQLite (one writer) they used to meet in
/// SQLite's busy handler, which sleeps and retries on a thread-pool thread: a trigger or a claim lost that lottery
/// for seconds, and the sleeping writers starved the thread pool. On PostgreSQL, 50 backends upserting at once on
/// two cores leave a trigger's few statements a fiftieth of the CPU. Here waiting is asynchronous, in order, and
/// a control write waits for at most the bulk writes already admitted.
/// </para>
/// <para>
/// SQLite: one holder of any kind at a time (<c>exclusive</c>), so BEGIN IMMEDIATE never meets another writer of
/// this process; SQLite's busy timeout stays the fallback against other processes. PostgreSQL: control writes are
/// not gated at all (the database orders them by row locks); bulk writes take one of <c>bulkSlots</c>.
/// </para>
/// <para>
/// Bulk writers are not starved: after <see cref="ControlBurst"/> control grants in a row while a bulk write waits,
/// the next free slot goes to the bulk write.
/// </para>
/// </remarks>
public sealed class WriteGate
{
    /// <summary>Control grants in a row, while a bulk write waits, before that bulk write gets a turn.</summary>
    public const int ControlBurst = 16;

    /// <summary>
    /// How long a write waits for a slot before it fails with a <see cref="TimeoutException"/>: the same bound
    /// SQLite's busy timeout put on a writer before the gate, so a stuck holder surfaces as an error, not a hang.
    /// </summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(30);

    private readonly object _sync = new();
    private readonly bool _exclusive;
    private readonly int _bulkSlots;
    private readonly TimeSpan _maxWait;
    private readonly LinkedList<Waiter> _controlWaiters = new();
    private readonly LinkedList<Waiter> _bulkWaiters = new();
    private int _holders;
    private int _bulkHolders;
    private int _controlStreak;

    private WriteGate(bool exclusive, int bulkSlots, TimeSpan? maxWait)
    {
        _exclusive = exclusive;
        _bulkSlots = bulkSlots;
        _maxWait = maxWait ?? DefaultMaxWait;
    }

    /// <summary>One writer at a time, control first: SQLite.</summary>
    public static WriteGate Exclusive(TimeSpan? maxWait = null) => new(exclusive: true, bulkSlots: 1, maxWait);

    /// <summary>Control writes pass freely; at most <paramref name="bulkSlots"/> bulk writes at once: PostgreSQL.</summary>
    public static WriteGate Shared(int bulkSlots, TimeSpan? maxWait = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bulkSlots, 1);
        return new(exclusive: false, bulkSlots, maxWait);
    }

    /// <summary>Bulk writes that may run at once.</summary>
    public int BulkSlots => _bulkSlots;

    /// <summary>Writes waiting for a slot now (for tests and diagnostics).</summary>
    public int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _controlWaiters.Count + _bulkWaiters.Count;
            }
        }
    }

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public ValueTask<Slot> EnterAsync(WriteKind kind, CancellationToken cancellationToken)
    {
        if (kind == WriteKind.Control && !_exclusive)
        {
            return ValueTask.FromResult(Slot.Ungated);
        }

        Waiter waiter;
        lock (_sync)
        {
            if (CanAdmit(kind) && (kind == WriteKind.Control || _controlWaiters.Count == 0))
            {
                Admit(kind);
                return ValueTask.FromResult(new Slot(this, kind));
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(kind);
            waiter.Node = (kind == WriteKind.Control ? _controlWaiters : _bulkWaiters).AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(
                static state =>
                {
                    var (gate, abandoned) = ((WriteGate, Waiter))state!;
                    _ = gate.Abandon(abandoned);
                },
                (this, waiter));
        }

        return WaitAsync(waiter);
    }

    private async ValueTask<Slot> WaitAsync(Waiter waiter)
    {
        try
        {
            try
            {
                await waiter.Granted.Task.WaitAsync(_maxWait).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (Abandon(waiter))
                {
                    throw new TimeoutException(
                        $"A {waiter.Kind.ToString().ToLowerInvariant()} write waited {_maxWait.TotalSeconds:0} s for a write slot of this process; "
                        + "the writes holding them are not finishing.");
                }

                // Granted just as the wait ran out: the slot is ours.
                await waiter.Granted.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            await waiter.Registration.DisposeAsync().ConfigureAwait(false);
        }

        return new Slot(this, waiter.Kind);
    }

    /// <summary>Takes a waiter out of its queue; false when it was granted a slot already (then it owns it).</summary>
    private bool Abandon(Waiter waiter)
    {
        lock (_sync)
        {
            if (waiter.Node?.List is not { } list)
            {
                return false;
            }

            list.Remove(waiter.Node);
        }

        waiter.Granted.TrySetCanceled();
        return true;
    }

    private bool CanAdmit(WriteKind kind) => _exclusive
        ? _holders == 0
        : kind == WriteKind.Control || _bulkHolders < _bulkSlots;

    private void Admit(WriteKind kind)
    {
        _holders++;
        if (kind == WriteKind.Bulk)
        {
            _bulkHolders++;
            _controlStreak = 0;
        }
        else if (_bulkWaiters.Count > 0)
        {
            _controlStreak++;
        }
    }

    private void Release(WriteKind kind)
    {
        var granted = new List<Waiter>(1);
        lock (_sync)
        {
            _holders--;
            if (kind == WriteKind.Bulk)
            {
                _bulkHolders--;
            }

            while (Next() is { } next)
            {
                next.Node!.List!.Remove(next.Node);
                Admit(next.Kind);
                granted.Add(next);
            }
        }

        // Outside the lock: continuations run asynchronously, but completing them is still work not to hold it for.
        foreach (var waiter in granted)
        {
            waiter.Granted.TrySetResult();
        }
    }

    /// <summary>The waiter to admit now, if any: control first, unless a bulk write has waited through a burst.</summary>
    private Waiter? Next()
    {
        var bulkTurn = _bulkWaiters.Count > 0 && (_controlWaiters.Count == 0 || _controlStreak >= ControlBurst);
        if (!bulkTurn && _controlWaiters.First is { } control && CanAdmit(WriteKind.Control))
        {
            return control.Value;
        }

        if (_bulkWaiters.First is { } bulk && CanAdmit(WriteKind.Bulk))
        {
            return bulk.Value;
        }

        return null;
    }

    /// <summary>A held slot of the gate (or nothing, for an ungated write); disposing it gives it back, once.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly WriteGate? _gate;
        private readonly WriteKind _kind;
        private int _released;

        internal Slot(WriteGate? gate, WriteKind kind)
        {
            _gate = gate;
            _kind = kind;
        }

        internal static Slot Ungated { get; } = new(null, WriteKind.Control);

        public void Dispose()
        {
            if (_gate is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                _gate.Release(_kind);
            }
        }
    }

    private sealed class Waiter
    {
        public Waiter(WriteKind kind)
        {
            Kind = kind;
        }

        public WriteKind Kind { get; }

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
