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
                _last = at;
            }
        }
    }
}
