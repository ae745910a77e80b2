namespace Observe.Collector.Receivers.Otlp;

/// <summary>Limits of the OTLP receivers. Section <c>Otlp</c>.</summary>
public sealed class OtlpOptions
{
    /// <summary>The largest request accepted, measured after decompression (and on the wire).</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    internal void Validate()
    {
        if (MaxRequestBytes is < 1024 or > int.MaxValue - 64)
        {
            throw new ArgumentException($"Otlp:MaxRequestBytes must be between 1024 and {int.MaxValue - 64}, got {MaxRequestBytes}.");
        }
    }
}
