using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Observe.Collector.Tests.Live;

/// <summary>
/// A SignalR client speaking the documented JSON hub protocol over a WebSocket (the .NET client
/// package is not installable here): handshake, invocations, and the messages the server sends,
/// each a JSON object ended by the record separator 0x1E.
/// </summary>
internal sealed class HubConnection : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private readonly ClientWebSocket _socket = new();
    private readonly List<byte> _pending = [];
    private int _invocations;

    public static async Task<HubConnection> ConnectAsync(Uri hub, CancellationToken cancellationToken)
    {
        var connection = new HubConnection();
        await connection._socket.ConnectAsync(hub, cancellationToken);
        await connection.SendAsync(new { protocol = "json", version = 1 }, cancellationToken);
        var handshake = await connection.ReceiveAsync(cancellationToken);
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"handshake refused: {error}");
        }
        return connection;
    }

    /// <summary>Invokes a hub method; its completion arrives later as a message of type 3.</summary>
    public async Task<string> InvokeAsync(string target, object argument, CancellationToken cancellationToken)
    {
        var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(new { type = 1, invocationId = id, target, arguments = new[] { argument } }, cancellationToken);
        return id;
    }

    /// <summary>The next message that is not a ping (type 6).</summary>
    public async Task<JsonElement> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (!message.TryGetProperty("type", out var type) || type.GetInt32() != 6)
            {
                return message;
            }
        }
    }

    /// <summary>The next invocation of <paramref name="target"/> by the server, skipping others; its first argument.</summary>
    public async Task<JsonElement> NextInvocationAsync(string target, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(cancellationToken);
            if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == target)
            {
                return message.GetProperty("arguments")[0];
            }
        }
    }

    private async Task SendAsync(object message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        await _socket.SendAsync((byte[])[.. bytes, RecordSeparator], WebSocketMessageType.Text, true, cancellationToken);
    }

    private async Task<JsonElement> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var end = _pending.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var json = _pending.GetRange(0, end).ToArray();
                _pending.RemoveRange(0, end + 1);
                return JsonDocument.Parse(json).RootElement.Clone();
            }
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the hub closed the connection: {result.CloseStatus} {result.CloseStatusDescription}; pending: {Encoding.UTF8.GetString([.. _pending])}");
            }
            _pending.AddRange(buffer.AsSpan(0, result.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server may already be gone; nothing is left to release but the socket.
            }
        }
        _socket.Dispose();
    }
}
