using System.Net.Sockets;
using System.Text;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// One HTTP/1.1 request over a raw socket, reading the answer while the body is still being sent: a server that
/// refuses a huge body answers early and stops reading, which HttpClient reports as a send failure, not an answer.
/// </summary>
internal static class RawHttp
{
    private const int MaxAnswerBytes = 1024 * 1024;

    /// <param name="bodyLength">Sent as Content-Length when not null; otherwise the body is sent chunked.</param>
    public static async Task<(int Status, byte[] Body)> SendAsync(
        Uri baseUrl,
        string secretKey,
        string method,
        string path,
        long totalBytes,
        bool chunked,
        Func<long, ReadOnlyMemory<byte>> chunkAt,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port, deadline.Token);
        var stream = client.GetStream();
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(baseUrl.AbsolutePath).Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Authorization: Bearer ").Append(secretKey).Append("\r\n")
            .Append("Content-Type: application/json\r\nConnection: close\r\n")
            .Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {totalBytes}\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), deadline.Token);

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var sending = SendBodyAsync(stream, totalBytes, chunked, chunkAt, stopSending.Token);
        var answer = await ReadAnswerAsync(stream, deadline.Token);
        await stopSending.CancelAsync();
        await sending;
        return answer;
    }

    private static async Task SendBodyAsync(NetworkStream stream, long totalBytes, bool chunked, Func<long, ReadOnlyMemory<byte>> chunkAt, CancellationToken cancellationToken)
    {
        try
        {
            for (long sent = 0; sent < totalBytes;)
            {
                var chunk = chunkAt(sent);
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n"), cancellationToken);
                }

                await stream.WriteAsync(chunk, cancellationToken);
                if (chunked)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
                }

                sent += chunk.Length;
            }

            if (chunked)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server answered and stopped reading: expected for a refused body.
        }
    }

    private static async Task<(int Status, byte[] Body)> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (received.Length < MaxAnswerBytes)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived.
        }

        var all = received.ToArray();
        var split = all.AsSpan().IndexOf("\r\n\r\n"u8);
        var headers = Encoding.ASCII.GetString(all, 0, split);
        var status = int.Parse(headers.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var body = all[(split + 4)..];
        return (status, headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0 || at + size > body.Length)
            {
                break;
            }

            output.Write(body, at, size);
            at += size + 2;
        }

        return output.ToArray();
    }
}
