namespace Observe.Autoscaler.Kubernetes;

/// <summary>Timeouts and retries of <see cref="KubernetesClient"/>.</summary>
public sealed class KubernetesClientOptions
{
    /// <summary>Longest wait for one answer (a watch: for its headers only).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt of a request that may be repeated.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry waits up to this long; each later one up to twice as long as the one before.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No retry waits longer, whatever the backoff or the server's Retry-After says.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server keeps a watch open (sent as <c>timeoutSeconds</c>) before the caller re-watches.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public string UserAgent { get; set; } = "observe-autoscaler";

    public void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RequestTimeout must be positive, not {RequestTimeout}.", nameof(RequestTimeout));
        }
        if (MaxRetries < 0)
        {
            throw new ArgumentException($"MaxRetries must be 0 or more, not {MaxRetries}.", nameof(MaxRetries));
        }
        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RetryBaseDelay must be positive, not {RetryBaseDelay}.", nameof(RetryBaseDelay));
        }
        if (RetryMaxDelay < RetryBaseDelay)
        {
            throw new ArgumentException($"RetryMaxDelay ({RetryMaxDelay}) must be at least RetryBaseDelay ({RetryBaseDelay}).", nameof(RetryMaxDelay));
        }
        if (WatchTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"WatchTimeout must be at least one second (it is sent in whole seconds), not {WatchTimeout}.", nameof(WatchTimeout));
        }
        if (string.IsNullOrWhiteSpace(UserAgent))
        {
            throw new ArgumentException("UserAgent must not be empty.", nameof(UserAgent));
        }
    }
}
