using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tributary.Bench.Baselines;

/// <summary>
/// B14's webhook receiver on loopback: answers 200 at once, keeps every body it received on each path (so the bench
/// counts exactly: every POST, and the distinct bodies among them) and the time of the first and the last POST.
/// Tributary posts to <c>/hook</c>; the bare baseline posts the same bodies to <c>/bare</c>.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Inbox> _inboxes = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapPost("/{inbox}", async (string inbox, HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            receiver.InboxOf(inbox).Add(body, Stopwatch.GetTimestamp());
            return Results.Ok();
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public Uri Url(string inbox) => new(BaseUrl, inbox);

    public Inbox InboxOf(string name) => _inboxes.GetOrAdd(name, _ => new Inbox());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What one path received.</summary>
    internal sealed class Inbox
    {
        private readonly Lock _gate = new();
        private readonly List<string> _bodies = [];
        private readonly List<long> _times = [];
        private readonly List<long> _gcPauses = [];
        private long _first;
        private long _last;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _bodies.Count;
                }
            }
        }

        public IReadOnlyList<string> Bodies
        {
            get
            {
                lock (_gate)
                {
                    return [.. _bodies];
                }
            }
        }

        /// <summary>POSTs per second from the first to the last one received.</summary>
        public double Rate
        {
            get
            {
                lock (_gate)
                {
                    var seconds = Stopwatch.GetElapsedTime(_first, _last).TotalSeconds;
                    return _bodies.Count > 1 && seconds > 0 ? (_bodies.Count - 1) / seconds : double.NaN;
                }
            }
        }

        /// <summary>POSTs per second over the second half of them (a sender's steady pace, past its start).</summary>
        public double SecondHalfRate
        {
            get
            {
                lock (_gate)
                {
                    var middle = _times.Count / 2;
                    var seconds = _times.Count > 3 ? Stopwatch.GetElapsedTime(_times[middle], _last).TotalSeconds : 0;
                    return seconds > 0 ? (_times.Count - 1 - middle) / seconds : double.NaN;
                }
            }
        }

        /// <summary>
        /// When the POSTs came: counts per <paramref name="bin"/> from the first one, and every gap between two POSTs
        /// longer than <paramref name="gap"/> (its offset from the first POST and its length, in ms), so a stall in the
        /// middle of a delivery shows apart from a slow pace. The first POST's time is the machine's monotonic clock
        /// (<see cref="Stopwatch.GetTimestamp"/>, shared with the server processes on Linux), to line it up with their traces.
        /// </summary>
        public string Timeline(TimeSpan bin, TimeSpan gap)
        {
            long[] times;
            long[] pauses;
            lock (_gate)
            {
                times = [.. _times];
                pauses = [.. _gcPauses];
            }

            // Each POST's time is taken before the lock: two may be stored out of order.
            Array.Sort(times, pauses);

            if (times.Length < 2)
            {
                return "fewer than two POSTs";
            }

            var first = times[0];
            var span = Stopwatch.GetElapsedTime(first, times[^1]);
            var counts = new int[(int)(span / bin) + 1];
            var gaps = new List<string>();
            for (var i = 0; i < times.Length; i++)
            {
                counts[(int)(Stopwatch.GetElapsedTime(first, times[i]) / bin)]++;
                if (i > 0 && Stopwatch.GetElapsedTime(times[i - 1], times[i]) is var between && between > gap)
                {
                    var paused = TimeSpan.FromTicks(pauses[i] - pauses[i - 1]);
                    gaps.Add(FormattableString.Invariant($"{Stopwatch.GetElapsedTime(first, times[i - 1]).TotalMilliseconds:0}+{between.TotalMilliseconds:0}(receiver GC {paused.TotalMilliseconds:0})"));
                }
            }

            var wallClock = TimeProvider.System.GetUtcNow() - Stopwatch.GetElapsedTime(first);
            return FormattableString.Invariant(
                $"first POST at {wallClock:HH:mm:ss.fff} UTC, {first * 1_000_000_000.0 / Stopwatch.Frequency:0} ns (monotonic), last +{span.TotalMilliseconds:0} ms; the receiver's process paused for GC {TimeSpan.FromTicks(pauses[^1] - pauses[0]).TotalMilliseconds:0} ms meanwhile; per {bin.TotalMilliseconds:0} ms: {string.Join(' ', counts)}; gaps > {gap.TotalMilliseconds:0} ms (at+ms): {(gaps.Count == 0 ? "none" : string.Join(' ', gaps))}");
        }

        public void Add(string body, long at)
        {
            lock (_gate)
            {
                if (_bodies.Count == 0)
                {
                    _first = at;
                }

                _bodies.Add(body);
                _times.Add(at);
                _gcPauses.Add(GC.GetTotalPauseDuration().Ticks);
                _last = at;
            }
        }
    }
}
