namespace Observe.Store;

/// <summary>The nanoseconds since the Unix epoch that DateTime64(9) columns and OTLP timestamps use.</summary>
public static class UnixTime
{
    public static long Nanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}
