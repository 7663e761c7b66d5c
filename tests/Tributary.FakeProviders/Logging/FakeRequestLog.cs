namespace Tributary.FakeProviders;

/// <summary>
/// The requests one fake received, in arrival order. Thread-safe: the server appends while a test reads.
/// </summary>
public sealed class FakeRequestLog
{
    private readonly Lock _lock = new();
    private readonly List<FakeRequest> _entries = [];

    /// <summary>A snapshot of every entry so far.</summary>
    public IReadOnlyList<FakeRequest> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>How many requests were logged.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The entries of one endpoint (a <see cref="FakeEndpoints"/> name), in arrival order.</summary>
    public IReadOnlyList<FakeRequest> For(string endpoint)
    {
        lock (_lock)
        {
            return [.. _entries.Where(e => string.Equals(e.Endpoint, endpoint, StringComparison.Ordinal))];
        }
    }

    /// <summary>Forgets every entry, e.g. between the first and the incremental run of a test.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    internal void Add(FakeRequest request)
    {
        lock (_lock)
        {
            _entries.Add(request);
        }
    }
}
