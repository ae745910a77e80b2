using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

/// <summary>Plain HTTP + System.Text.Json against the fake, so its tests depend on no client under test.</summary>
internal sealed class RawKubernetesClient(FakeKubernetesApi api) : IDisposable
{
    // Short, so a test waiting on a response the fake never sends fails quickly instead of hanging.
    private readonly HttpClient _http = new() { BaseAddress = api.Url, Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", bool authenticated = true)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (authenticated)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, (JsonObject)JsonNode.Parse(text)!);
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        return await _http.SendAsync(request);
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Opens a watch; the caller reads its events line by line.</summary>
    public async Task<WatchLines> WatchAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new WatchLines(request, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public void Dispose() => _http.Dispose();

    internal sealed class WatchLines(HttpRequestMessage request, HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        // A guard against a hung test only; every expected line arrives at once.
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        public HttpResponseMessage Response { get; } = response;

        /// <summary>The next event, or null when the server ended the stream.</summary>
        public async Task<JsonObject?> NextAsync()
        {
            using var guard = new CancellationTokenSource(Patience);
            var line = await reader.ReadLineAsync(guard.Token);
            return line is null ? null : (JsonObject)JsonNode.Parse(line)!;
        }

        public void Dispose()
        {
            reader.Dispose();
            Response.Dispose();
            request.Dispose();
        }
    }
}
