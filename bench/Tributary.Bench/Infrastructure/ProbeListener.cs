using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tributary.Bench.Infrastructure;

/// <summary>
/// Receives the loopback datagrams the bench functions send on their first line: run id and
/// <see cref="Stopwatch.GetTimestamp"/>. On Linux that timestamp is CLOCK_MONOTONIC, one clock for every
/// process of the machine, so it compares directly with the bench's own timestamps.
/// </summary>
internal sealed class ProbeListener : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _starts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProbeListener()
    {
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port; // bound in the constructor, so the endpoint exists
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    /// <summary>The timestamp at which the run's function started, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<long?> WaitAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = _starts.GetOrAdd(runId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await source.Task.WaitAsync(timeout, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _starts.TryRemove(runId, out _);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The socket was closed under the pending receive.
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            Log.Info($"warning: Stopwatch.Frequency is {Stopwatch.Frequency}; cross-process timestamps assume the Linux monotonic clock.");
        }

        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var parts = Encoding.ASCII.GetString(datagram.Buffer).Split(' ');
            if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp))
            {
                continue;
            }

            _starts.GetOrAdd(parts[0], _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(timestamp);
        }
    }
}
