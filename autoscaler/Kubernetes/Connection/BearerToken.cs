namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// The bearer token to send: a fixed one, or a file's content re-read once it is older than
/// <see cref="MaxAge"/> or after the server answered 401, because the kubelet rewrites a projected
/// service-account token before it expires.
/// </summary>
internal sealed class BearerToken(string? token, string? tokenFile, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private string? _value = token;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public bool Rotates => tokenFile is not null;

    public string? Current
    {
        get
        {
            if (tokenFile is null)
            {
                return _value;
            }
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (_value is null || now - _readAt >= MaxAge)
                {
                    _value = Read(tokenFile);
                    _readAt = now;
                }
                return _value;
            }
        }
    }

    /// <summary>The server refused the token: read the file again on the next request.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _readAt = DateTimeOffset.MinValue;
        }
    }

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (IOException e)
        {
            throw new KubernetesConfigException($"Cannot read the bearer token file '{file}': {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KubernetesConfigException($"Cannot read the bearer token file '{file}': {e.Message}", e);
        }
    }
}
