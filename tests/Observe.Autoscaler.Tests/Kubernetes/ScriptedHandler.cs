using System.Net;
using System.Text;

namespace Observe.Autoscaler.Tests.Kubernetes;

/// <summary>An HTTP peer that answers from a script and records what it was asked, and when by the test's clock.</summary>
internal sealed class ScriptedHandler(TimeProvider time, params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    public List<(DateTimeOffset At, string Method, string PathAndQuery, string? Authorization, string? ContentType, string? Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((time.GetUtcNow(), request.Method.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.Parameter, request.Content?.Headers.ContentType?.MediaType, body));
        var answer = answers[Math.Min(Requests.Count - 1, answers.Length - 1)];
        return answer(request);
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Json(HttpStatusCode status, string json, Action<HttpResponseMessage>? headers = null) => _ =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        headers?.Invoke(response);
        return response;
    };

    public static Func<HttpRequestMessage, HttpResponseMessage> Status(int code, string reason, string message, Action<HttpResponseMessage>? headers = null) =>
        Json((HttpStatusCode)code, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""", headers);

    public static Func<HttpRequestMessage, HttpResponseMessage> Throws(Exception e) => _ => throw e;
}
