namespace Tributary.FakeProviders;

/// <summary>
/// One scripted fault: which requests it matches and how often it fires. Returned by <see cref="FaultInjector"/>
/// so a test can check that it fired.
/// </summary>
public sealed class FaultRule
{
    private readonly Lock _lock = new();
    private int _seen;
    private int _fired;
    private bool _removed;

    internal FaultRule(Fault fault, string? endpoint, int? times, int after, int every)
    {
        Fault = fault;
        Endpoint = endpoint;
        Times = times;
        After = after;
        Every = every;
    }

    /// <summary>The fault answered when the rule fires.</summary>
    public Fault Fault { get; }

    /// <summary>The <see cref="FakeEndpoints"/> name matched, or null for every endpoint of the fake.</summary>
    public string? Endpoint { get; }

    /// <summary>How many times the rule fires at most; null for no limit.</summary>
    public int? Times { get; }

    /// <summary>How many matching requests pass before the rule may fire.</summary>
    public int After { get; }

    /// <summary>Fires on every n-th matching request after <see cref="After"/> (1 = every one).</summary>
    public int Every { get; }

    /// <summary>How many times the rule has fired.</summary>
    public int Fired
    {
        get
        {
            lock (_lock)
            {
                return _fired;
            }
        }
    }

    /// <summary>True when the rule fired <see cref="Times"/> times or was removed; it never fires again.</summary>
    public bool IsExhausted
    {
        get
        {
            lock (_lock)
            {
                return _removed || _fired >= Times;
            }
        }
    }

    /// <summary>Stops the rule from firing again.</summary>
    public void Remove()
    {
        lock (_lock)
        {
            _removed = true;
        }
    }

    /// <summary>Counts a request and says whether the rule fires for it.</summary>
    internal bool TryFire(string? endpoint)
    {
        if (Endpoint is not null && !string.Equals(Endpoint, endpoint, StringComparison.Ordinal))
        {
            return false;
        }

        lock (_lock)
        {
            if (_removed || _fired >= Times)
            {
                return false;
            }

            _seen++;
            if (_seen <= After || (_seen - After) % Every != 0)
            {
                return false;
            }

            _fired++;
            return true;
        }
    }
}
