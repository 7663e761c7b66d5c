using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Bench.Functions;

/// <summary>The loopback datagram <c>"{run id} {Stopwatch timestamp} {Stopwatch frequency}"</c>.</summary>
internal static class BenchProbe
{
    public static void Send(JsonObject metadata, string runId, long timestamp)
    {
        var port = BenchMetadata.ReadInt(metadata, "probe_port", 0, 0, 65_535);
        if (port == 0)
        {
            return;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{runId} {timestamp} {Stopwatch.Frequency}");
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SendTo(Encoding.ASCII.GetBytes(text), new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException)
        {
            // A lost probe costs the benchmark one sample, never the run.
        }
    }
}
