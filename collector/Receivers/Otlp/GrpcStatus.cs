using System.Text;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>gRPC status codes (grpc/doc/statuscodes.md) that the OTLP receivers answer with.</summary>
internal enum GrpcStatus
{
    Ok = 0,
    Cancelled = 1,
    InvalidArgument = 3,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
}

internal static class GrpcMessage
{
    /// <summary>
    /// Percent-encodes a status message as the gRPC HTTP/2 protocol requires for
    /// <c>grpc-message</c>: UTF-8, with bytes outside printable ASCII and '%' escaped.
    /// </summary>
    public static string Encode(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
