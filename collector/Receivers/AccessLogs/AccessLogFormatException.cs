namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>A line that could not be parsed: what was wrong and where, for the count and the raw copy.</summary>
internal sealed class AccessLogFormatException(string message) : Exception(message);
