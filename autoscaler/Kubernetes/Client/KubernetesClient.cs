using Observe.Autoscaler.Scaling;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// <see cref="IKubernetesApi"/> over HttpClient and JSON. Requests that are safe to repeat are
/// retried on 429, 5xx and transport failures with backoff and full jitter (or the server's
/// Retry-After); a request that could act twice (a POST) is retried only on 429, which the
/// server answers before acting.
/// </summary>
public sealed class KubernetesClient : IKubernetesApi, IDisposable
{
    private const string MergePatch = "application/merge-patch+json";

    private readonly HttpClient _http;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BearerToken _token;
    private readonly RetryBackoff _backoff;

    public KubernetesClient(KubernetesEndpoint endpoint, KubernetesClientOptions options, TimeProvider time, ILogger<KubernetesClient>? logger = null)
        : this(endpoint, options, time, logger, ClusterTrust.Handler(endpoint), Random.Shared.NextDouble)
    {
    }

    internal KubernetesClient(KubernetesEndpoint endpoint, KubernetesClientOptions options, TimeProvider time, ILogger? logger, HttpMessageHandler handler, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _token = new BearerToken(endpoint.Token, endpoint.TokenFile, time);
        _backoff = new RetryBackoff(options.RetryBaseDelay, options.RetryMaxDelay, random);
        // Timeouts are per request (and none for a watch's body), so the client's own is off.
        _http = new HttpClient(handler) { BaseAddress = endpoint.Server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public async Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken)
    {
        using var document = await RequestAsync(HttpMethod.Get, ResourcePaths.Scale(target), null, null, Repeat.Always, cancellationToken);
        return KubernetesObjects.Scale(document!.RootElement);
    }

    public async Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentException.ThrowIfNullOrEmpty(resourceVersion);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["spec"] = new JsonObject { ["replicas"] = replicas },
        };
        // The resourceVersion makes a repeat harmless: if the first attempt landed, the repeat gets 409.
        using var document = await RequestAsync(HttpMethod.Patch, ResourcePaths.Scale(target), patch, MergePatch, Repeat.Always, cancellationToken);
        return KubernetesObjects.Scale(document!.RootElement);
    }

    public async Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        var path = $"{ResourcePaths.Collection("", "v1", "pods", @namespace)}?labelSelector={Uri.EscapeDataString(labelSelector)}";
        using var document = await RequestAsync(HttpMethod.Get, path, null, null, Repeat.Always, cancellationToken);
        return Items(document!.RootElement).Select(KubernetesObjects.Pod).ToList();
    }

    public async Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken)
    {
        using var document = await RequestAsync(HttpMethod.Get, ResourcePaths.Collection(kind, @namespace), null, null, Repeat.Always, cancellationToken);
        var root = document!.RootElement;
        var version = root.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() ?? "" : "";
        return new ResourceList(version, Items(root).Select(KubernetesObjects.Resource).ToList());
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{ResourcePaths.Collection(kind, @namespace)}?watch=1&resourceVersion={Uri.EscapeDataString(resourceVersion)}" +
                   $"&allowWatchBookmarks=true&timeoutSeconds={(int)_options.WatchTimeout.TotalSeconds}";
        using var response = await SendAsync(HttpMethod.Get, path, null, null, Repeat.Always, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        // The server ends the watch after timeoutSeconds; a connection that silently died would
        // never end, so give up a request timeout later and let the caller re-watch.
        using var overdue = new CancellationTokenSource(_options.WatchTimeout + _options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overdue.Token);
        await using var stream = await response!.Content.ReadAsStreamAsync(linked.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await ReadLineAsync(reader, path, linked.Token, cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            yield return WatchEvents.Parse(line, path);
        }
    }

    public async Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, JsonElement status, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["status"] = JsonNode.Parse(status.GetRawText()) };
        // Merging the same status twice leaves the same object: safe to repeat.
        using var document = await RequestAsync(HttpMethod.Patch, ResourcePaths.Item(kind, @namespace, name) + "/status", patch, MergePatch, Repeat.Always, cancellationToken);
        return KubernetesObjects.Resource(document!.RootElement);
    }

    public async Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterEvent);
        // The client names the event, so a repeated POST cannot create a second one: it gets 409.
        var name = $"{clusterEvent.Regarding.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var path = ResourcePaths.Collection("events.k8s.io", "v1", "events", clusterEvent.Regarding.Namespace);
        try
        {
            using var _ = await RequestAsync(HttpMethod.Post, path, KubernetesObjects.Write(clusterEvent, name), "application/json", Repeat.Always, cancellationToken);
        }
        catch (KubernetesConflictException)
        {
            // A 64-bit random suffix collides with nobody else's event: an earlier attempt of ours landed.
        }
    }

    public async Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        using var document = await RequestAsync(HttpMethod.Get, LeasePath(@namespace) + "/" + Uri.EscapeDataString(name), null, null, Repeat.Always, cancellationToken, notFoundIsNull: true);
        return document is null ? null : KubernetesObjects.Lease(document.RootElement);
    }

    public async Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        var ns = lease.Metadata.Namespace ?? throw new ArgumentException("The lease has no namespace.", nameof(lease));
        var body = KubernetesObjects.Write(lease with { Metadata = lease.Metadata with { ResourceVersion = null } });
        // Not repeated on 5xx: had the first attempt landed, a repeat would read as someone else's lease.
        using var document = await RequestAsync(HttpMethod.Post, LeasePath(ns), body, "application/json", Repeat.OnlyThrottled, cancellationToken);
        return KubernetesObjects.Lease(document!.RootElement);
    }

    public async Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        var ns = lease.Metadata.Namespace ?? throw new ArgumentException("The lease has no namespace.", nameof(lease));
        if (string.IsNullOrEmpty(lease.Metadata.ResourceVersion))
        {
            throw new ArgumentException("Replacing a lease needs the resourceVersion it was read at.", nameof(lease));
        }
        using var document = await RequestAsync(HttpMethod.Put, LeasePath(ns) + "/" + Uri.EscapeDataString(lease.Metadata.Name), KubernetesObjects.Write(lease), "application/json", Repeat.Always, cancellationToken);
        return KubernetesObjects.Lease(document!.RootElement);
    }

    public async Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken)
    {
        using var document = await RequestAsync(HttpMethod.Get, ResourcePaths.Collection("autoscaling", "v2", "horizontalpodautoscalers", @namespace), null, null, Repeat.Always, cancellationToken);
        return Items(document!.RootElement).Select(KubernetesObjects.Hpa).ToList();
    }

    public void Dispose() => _http.Dispose();

    private enum Repeat { Always, OnlyThrottled }

    private static string LeasePath(string @namespace) => ResourcePaths.Collection("coordination.k8s.io", "v1", "leases", @namespace);

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    private async Task<JsonDocument?> RequestAsync(HttpMethod method, string path, JsonNode? body, string? contentType, Repeat repeat, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        using var response = await SendAsync(method, path, body, contentType, repeat, HttpCompletionOption.ResponseContentRead, cancellationToken, notFoundIsNull);
        if (response is null)
        {
            return null;
        }
        // ResponseContentRead buffered the body already, under the request's timeout.
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            return await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException((int)response.StatusCode, null, $"{method} {path}: the answer is not JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// One request with its retries: a successful response (its body buffered unless
    /// <paramref name="completion"/> says headers only), null for 404 when asked, or the error.
    /// </summary>
    private async Task<HttpResponseMessage?> SendAsync(HttpMethod method, string path, JsonNode? body, string? contentType, Repeat repeat, HttpCompletionOption completion, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        var rereadToken = _token.Rotates;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var request = NewRequest(method, path, body, contentType);
            HttpResponseMessage response;
            Exception failure;
            RetryConditionHeaderValue? retryAfter = null;
            try
            {
                response = await _http.SendAsync(request, completion, linked.Token);
            }
            catch (HttpRequestException e) when (repeat == Repeat.Always && attempt < _options.MaxRetries)
            {
                failure = e;
                goto Retry;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                var timedOut = new TimeoutException($"{method.Method} {path}: no answer within {_options.RequestTimeout.TotalSeconds:0.###} s.", e);
                if (repeat != Repeat.Always || attempt >= _options.MaxRetries)
                {
                    throw timedOut;
                }
                failure = timedOut;
                goto Retry;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
                {
                    return null;
                }
                if (response.StatusCode == HttpStatusCode.Unauthorized && rereadToken)
                {
                    // The kubelet may have rotated the token since we read it: read it again, once.
                    rereadToken = false;
                    _token.Invalidate();
                    attempt--;
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(linked.Token);
                var error = KubernetesStatus.ToException(method, path, response.StatusCode, text);
                var transient = RetryBackoff.IsTransient(response.StatusCode) &&
                                (repeat == Repeat.Always || response.StatusCode == HttpStatusCode.TooManyRequests);
                if (!transient || attempt >= _options.MaxRetries)
                {
                    throw error;
                }
                failure = error;
                retryAfter = response.Headers.RetryAfter;
            }

        Retry:
            var delay = _backoff.Delay(attempt, retryAfter, _time.GetUtcNow());
            _logger.LogWarning("{Method} {Path} failed ({Error}); retry {Attempt} of {MaxRetries} in {Delay} ms",
                method.Method, path, failure.Message, attempt + 1, _options.MaxRetries, (int)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, JsonNode? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, path);
        if (_token.Current is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        return request;
    }

    /// <summary>The next line of a watch; null at its end, including the end we forced on a stream overdue.</summary>
    private static async Task<string?> ReadLineAsync(StreamReader reader, string path, CancellationToken read, CancellationToken caller)
    {
        try
        {
            return await reader.ReadLineAsync(read);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException e) when (!caller.IsCancellationRequested)
        {
            throw new HttpRequestException($"GET {path}: the watch stream broke: {e.Message}", e);
        }
    }
}
