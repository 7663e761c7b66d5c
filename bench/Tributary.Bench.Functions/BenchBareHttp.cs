namespace Tributary.Bench.Functions;

/// <summary>
/// The bare client of the bench functions in this process (<c>bench-http</c>'s and <c>bench-post</c>'s bare runs): the
/// baselines' side of issues 10 and 12, one client for the process's life, as a caller who manages their own keeps it.
/// </summary>
internal static class BenchBareHttp
{
    public static HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };
}
