namespace Tributary.FakeProviders;

/// <summary>
/// A fake's data set: immutable items keyed by a number, thread-safe, read in key order. Tests add, replace and
/// remove items while the fake serves them; readers see a consistent snapshot per request.
/// </summary>
/// <typeparam name="T">An immutable item (a record); change one with <see cref="Update"/> and <c>with</c>.</typeparam>
public sealed class FakeDataSet<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Func<T, long> _key;
    private readonly Dictionary<long, T> _items = [];
    private T[]? _snapshot;
    private int _version;

    internal FakeDataSet(Func<T, long> key) => _key = key;

    /// <summary>How many items there are.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Every item in key order (a snapshot).</summary>
    public IReadOnlyList<T> All => Snapshot().Items;

    /// <summary>The item with this key, or null.</summary>
    public T? Get(long key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>Adds the item, or replaces the one with the same key.</summary>
    public void Put(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_lock)
        {
            _items[_key(item)] = item;
            Changed();
        }
    }

    /// <summary>Replaces an item by a changed copy (<c>issue =&gt; issue with { Title = "x" }</c>) and returns the copy.</summary>
    /// <exception cref="KeyNotFoundException">No item has this key.</exception>
    public T Update(long key, Func<T, T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (!_items.TryGetValue(key, out var item))
            {
                throw new KeyNotFoundException($"No item with key {key}.");
            }

            var changed = change(item);
            if (_key(changed) != key)
            {
                throw new InvalidOperationException("An update cannot change an item's key.");
            }

            _items[key] = changed;
            Changed();
            return changed;
        }
    }

    /// <summary>Removes the item with this key; false when there was none.</summary>
    public bool Remove(long key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key))
            {
                return false;
            }

            Changed();
            return true;
        }
    }

    /// <summary>The items in key order and a version that changes with every write (for caching derived views).</summary>
    internal (T[] Items, int Version) Snapshot()
    {
        lock (_lock)
        {
            _snapshot ??= [.. _items.OrderBy(p => p.Key).Select(p => p.Value)];
            return (_snapshot, _version);
        }
    }

    /// <summary>The largest key, or 0 when empty.</summary>
    internal long MaxKey()
    {
        lock (_lock)
        {
            return _items.Count == 0 ? 0 : _items.Keys.Max();
        }
    }

    /// <summary>Adds many items at once (seeding).</summary>
    internal void PutMany(IEnumerable<T> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                _items[_key(item)] = item;
            }

            Changed();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the collection's lock, for read-modify-write sequences.</summary>
    internal TResult Locked<TResult>(Func<TResult> action)
    {
        lock (_lock)
        {
            return action();
        }
    }

    private void Changed()
    {
        _snapshot = null;
        _version++;
    }
}
