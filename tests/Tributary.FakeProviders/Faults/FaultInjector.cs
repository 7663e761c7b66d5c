namespace Tributary.FakeProviders;

/// <summary>
/// The scripted faults of one fake. Rules are tried in the order they were added; the first that fires answers the
/// request. Deterministic: a rule counts only the requests it matches.
/// </summary>
/// <example>
/// <code>
/// fakes.GitHub.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 3);
/// fakes.GitHub.Faults.InjectEvery(5, Fault.SecondaryRateLimit(TimeSpan.Zero), FakeEndpoints.GitHubIssues);
/// </code>
/// </example>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<FaultRule> _rules = [];

    /// <summary>
    /// Answers the next <paramref name="times"/> matching requests with <paramref name="fault"/>, after letting
    /// <paramref name="after"/> matching requests through.
    /// </summary>
    /// <param name="fault">The answer.</param>
    /// <param name="times">How many requests fail; null for all of them until <see cref="Clear"/>.</param>
    /// <param name="endpoint">A <see cref="FakeEndpoints"/> name, or null for every endpoint of this fake.</param>
    /// <param name="after">How many matching requests succeed first (e.g. fail the third page: <c>after: 2</c>).</param>
    public FaultRule Inject(Fault fault, int? times = 1, string? endpoint = null, int after = 0)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (times is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), "times must be at least 1, or null for no limit.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(after);
        return Add(new FaultRule(fault, endpoint, times, after, every: 1));
    }

    /// <summary>Answers every <paramref name="n"/>-th matching request (n, 2n, 3n, …) with <paramref name="fault"/>.</summary>
    /// <param name="n">The period, at least 1.</param>
    /// <param name="fault">The answer.</param>
    /// <param name="endpoint">A <see cref="FakeEndpoints"/> name, or null for every endpoint of this fake.</param>
    /// <param name="times">How many times it fires at most; null for no limit.</param>
    public FaultRule InjectEvery(int n, Fault fault, string? endpoint = null, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (times is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), "times must be at least 1, or null for no limit.");
        }

        return Add(new FaultRule(fault, endpoint, times, after: 0, every: n));
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    /// <summary>The fault for this request, or null to serve it normally.</summary>
    internal Fault? Next(string? endpoint)
    {
        lock (_lock)
        {
            foreach (var rule in _rules)
            {
                if (rule.TryFire(endpoint))
                {
                    return rule.Fault;
                }
            }

            _rules.RemoveAll(r => r.IsExhausted);
            return null;
        }
    }

    private FaultRule Add(FaultRule rule)
    {
        lock (_lock)
        {
            _rules.Add(rule);
        }

        return rule;
    }
}
