using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Server.Connect;

/// <summary>
/// The WebSocket <c>@nangohq/frontend</c> opens at the host's root before its popup: it is told its
/// <c>ws_client_id</c> (<c>connection_ack</c>), passes it to <c>/oauth/connect</c>, and learns the flow's end
/// (<c>success</c> or <c>error</c>) here. One process: the callback must reach the process holding the socket.
/// </summary>
internal sealed class ConnectWebSockets
{
    private static readonly TimeSpan MaxOpen = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, WebSocket> _clients = new(StringComparer.Ordinal);

    public async Task AcceptAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var id = Guid.NewGuid().ToString();
        _clients[id] = socket;
        try
        {
            await SendAsync(socket, new JsonObject { ["message_type"] = "connection_ack", ["ws_client_id"] = id }, context.RequestAborted);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(MaxOpen);
            var buffer = new byte[1024];
            while (socket.State == WebSocketState.Open)
            {
                // The client sends nothing that matters; reading is how a close is noticed.
                var read = await socket.ReceiveAsync(buffer, timeout.Token);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The browser went away or the time is up: nothing to tell anyone.
        }
        finally
        {
            _clients.TryRemove(id, out _);
        }
    }

    /// <summary>Tells the waiting browser, if it is connected to this process.</summary>
    public async Task NotifyAsync(string? clientId, JsonObject message, CancellationToken cancellationToken)
    {
        if (clientId is not null && _clients.TryGetValue(clientId, out var socket) && socket.State == WebSocketState.Open)
        {
            try
            {
                await SendAsync(socket, message, cancellationToken);
            }
            catch (WebSocketException)
            {
                // Closed meanwhile: the page the popup shows still says how it ended.
            }
        }
    }

    private static Task SendAsync(WebSocket socket, JsonObject message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
}
