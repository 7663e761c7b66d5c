namespace Tributary.Client;

/// <summary>Where the server is, the key to use, and how 429 answers are retried.</summary>
public sealed class TributaryClientOptions
{
    /// <summary>The server's URL, e.g. <c>http://127.0.0.1:3003</c> (with a path prefix if it serves under one).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The environment's secret key, sent as <c>Authorization: Bearer</c>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>How many times a 429 answer is retried before it is thrown (default 3; 0 turns retries off).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait when a 429 carries no <c>Retry-After</c> (default 1 s).</summary>
    public TimeSpan DefaultRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A 429 asking for a longer wait than this is thrown at once (default 60 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
}
