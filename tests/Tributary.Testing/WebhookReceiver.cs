using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tributary.Testing;

/// <summary>How a <see cref="WebhookReceiver"/> answers.</summary>
public enum ReceiverMode
{
    Accept,
    Fail,
    Hang,
}

/// <summary>A webhook as it arrived: the exact body text and the headers.</summary>
public sealed record ReceivedWebhook(string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel) for webhook tests: answers 200, 500, or never (until stopped),
/// records what it accepted, and can be stopped and started again on the same port ("down, then up").
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _accepted = new();
    private readonly CancellationTokenSource _hanging = new();
    private WebApplication? _app;
    private readonly ConcurrentDictionary<string, int> _inFlightByConnection = new(StringComparer.Ordinal);
    private int _attempts;
    private int _acceptedCount;
    private int _inFlight;
    private int _maxInFlight;
    private int _maxInFlightOfOneConnection;

    private WebhookReceiver(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public ReceiverMode Mode { get; set; } = ReceiverMode.Accept;

    /// <summary>Every POST that reached the receiver, whatever it answered.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>POSTs answered 200.</summary>
    public int AcceptedCount => Volatile.Read(ref _acceptedCount);

    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _accepted];

    /// <summary>How long an accepting answer takes (default none): makes concurrent POSTs overlap.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>The most accepted POSTs in progress at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>The most accepted POSTs of one connection (the body's <c>connectionId</c>) in progress at once.</summary>
    public int MaxInFlightOfOneConnection => Volatile.Read(ref _maxInFlightOfOneConnection);

    /// <summary>Records bodies and headers of accepted webhooks (off for a count-only benchmark).</summary>
    public bool Keep { get; set; } = true;

    /// <summary>A receiver on a free port; <paramref name="listening"/> false leaves it down until <see cref="StartAsync"/>.</summary>
    public static async Task<WebhookReceiver> CreateAsync(bool listening, CancellationToken cancellationToken)
    {
        var receiver = new WebhookReceiver(TestServer.FreePort());
        if (listening)
        {
            await receiver.StartAsync(cancellationToken);
        }

        return receiver;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url.Replace("/hook", string.Empty, StringComparison.Ordinal));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", HandleAsync);
        await app.StartAsync(cancellationToken);
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _hanging.CancelAsync();
        await StopAsync();
        _hanging.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _attempts);
        switch (Mode)
        {
            case ReceiverMode.Fail:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            case ReceiverMode.Hang:
                using (var both = CancellationTokenSource.CreateLinkedTokenSource(_hanging.Token, context.RequestAborted))
                {
                    // Until the sender gives up (its timeout closes the connection) or the receiver is disposed.
                    var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    using var registration = both.Token.Register(() => released.TrySetResult());
                    await released.Task;
                }

                return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var connection = ConnectionOf(body);
        Raise(ref _maxInFlight, Interlocked.Increment(ref _inFlight));
        Raise(ref _maxInFlightOfOneConnection, _inFlightByConnection.AddOrUpdate(connection, 1, (_, n) => n + 1));
        try
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, TimeProvider.System, context.RequestAborted);
            }
        }
        finally
        {
            _inFlightByConnection.AddOrUpdate(connection, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref _inFlight);
        }

        if (Keep)
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _accepted.Enqueue(new ReceivedWebhook(body, headers));
        }

        Interlocked.Increment(ref _acceptedCount);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static void Raise(ref int max, int value)
    {
        var seen = Volatile.Read(ref max);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref max, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private static string ConnectionOf(string body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["connectionId"]?.GetValue<string>() ?? string.Empty;
        }
        catch (System.Text.Json.JsonException)
        {
            return string.Empty;
        }
    }
}
