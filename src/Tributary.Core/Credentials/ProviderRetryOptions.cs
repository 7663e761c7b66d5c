namespace Tributary.Core.Credentials;

/// <summary>How many times and how long a provider call is retried after a rate limit or a server error.</summary>
/// <param name="MaxRetries">Retries after the first attempt, unless a request carries its own count (<see cref="ProviderRetryHandler.RetriesOption"/>).</param>
/// <param name="FirstDelay">The computed wait before the first retry; it doubles with each retry.</param>
/// <param name="MaxDelay">The cap of a computed wait.</param>
/// <param name="MaxWait">
/// The longest wait a provider may ask for (<c>Retry-After</c>, a reset time). A longer one is not waited for: the
/// answer goes back to the caller, so a run or a proxy call never sleeps for an hour on a daily limit.
/// </param>
public sealed record ProviderRetryOptions(int MaxRetries, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan MaxWait)
{
    /// <summary>Sync runs: a few retries, short computed waits, up to two minutes on the provider's word.</summary>
    public static readonly ProviderRetryOptions Runs = new(5, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));

    /// <summary>The proxy: no retries unless the caller's <c>Retries</c> header asks (Nango's default 0).</summary>
    public static readonly ProviderRetryOptions Proxy = Runs with { MaxRetries = 0 };
}
