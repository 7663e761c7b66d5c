namespace Tributary.Core.Ports;

/// <summary>
/// A batch's records handed from the thread that prepares them to a store writing them on another, in order, while
/// the rest are still being prepared (<see cref="IRecordStore.UpsertWhilePreparedAsync"/>). At most
/// <see cref="Capacity"/> records (the batch's length); fewer when the batch held duplicates.
/// </summary>
/// <remarks>
/// One producer (<see cref="Add"/>, then <see cref="Complete"/> or <see cref="Fail"/>), one consumer
/// (<see cref="WaitFor"/>, then the indexer). The consumer blocks its thread while it waits: a store's writer runs
/// on a thread of its own for the batch, and preparing a record is several times faster than writing it, so after
/// the first records it rarely waits at all.
/// </remarks>
public sealed class PreparedRecordFeed
{
    private readonly PreparedRecord[] _records;
    private readonly object _gate = new();
    private int _count;
    private bool _complete;
    private Exception? _failure;

    public PreparedRecordFeed(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _records = new PreparedRecord[capacity];
    }

    /// <summary>The most records the feed can hold: the batch's length, duplicates included.</summary>
    public int Capacity => _records.Length;

    /// <summary>The record at <paramref name="index"/>, once <see cref="WaitFor"/> has said it is there.</summary>
    public PreparedRecord this[int index] =>
        index < Volatile.Read(ref _count) ? _records[index] : throw new ArgumentOutOfRangeException(nameof(index), index, "The record is not prepared yet.");

    /// <summary>Producer: the next record of the batch.</summary>
    public void Add(PreparedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_complete || _failure is not null)
            {
                throw new InvalidOperationException("The feed is already complete.");
            }

            _records[_count] = record;
            Volatile.Write(ref _count, _count + 1);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Producer: every record is there.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Producer: the batch could not be prepared; the consumer's wait throws and its writes must not stay.</summary>
    public void Fail(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_gate)
        {
            _failure = failure;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Consumer: waits until the record at <paramref name="index"/> is prepared (true) or the feed is complete without
    /// it (false).
    /// </summary>
    /// <exception cref="InvalidOperationException">The producer failed (<see cref="Fail"/>); the failure is the inner exception.</exception>
    public bool WaitFor(int index, CancellationToken cancellationToken)
    {
        if (index < Volatile.Read(ref _count))
        {
            return true;
        }

        lock (_gate)
        {
            while (true)
            {
                if (_failure is not null)
                {
                    throw new InvalidOperationException("The batch's records could not be prepared.", _failure);
                }

                if (index < _count)
                {
                    return true;
                }

                if (_complete)
                {
                    return false;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // Woken by the producer; the timeout only bounds how late a cancellation is noticed.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Consumer: waits until the producer is done and returns every record, in order.</summary>
    /// <exception cref="InvalidOperationException">The producer failed.</exception>
    public IReadOnlyList<PreparedRecord> WaitForAll(CancellationToken cancellationToken)
    {
        while (WaitFor(Volatile.Read(ref _count), cancellationToken))
        {
        }

        return new ArraySegment<PreparedRecord>(_records, 0, _count);
    }
}
