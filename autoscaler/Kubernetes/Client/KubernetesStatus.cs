using System.Net;
using System.Text.Json;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>Turns an error answer (a <c>Status</c> object, or whatever a proxy sent) into the exception for it.</summary>
internal static class KubernetesStatus
{
    private const int MaxBodyInMessage = 512;

    public static KubernetesApiException ToException(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        var (code, reason, message) = Parse(body);
        return Create(method.Method, path, code ?? (int)status, reason, message ?? Shorten(body));
    }

    /// <summary>The exception for a <c>Status</c> object, e.g. one a watch sent as an ERROR event.</summary>
    public static KubernetesApiException FromStatusObject(string method, string path, JsonElement status)
    {
        var (code, reason, message) = Parse(status);
        return Create(method, path, code ?? 500, reason, message ?? status.GetRawText());
    }

    private static KubernetesApiException Create(string method, string path, int code, string? reason, string message)
    {
        var text = $"{method} {path} failed: {code} {reason ?? ReasonPhrase(code)}: {message}";
        return code switch
        {
            409 => new KubernetesConflictException(reason, text),
            410 => new ResourceExpiredException(text),
            _ => new KubernetesApiException(code, reason, text),
        };
    }

    private static (int? Code, string? Reason, string? Message) Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static (int? Code, string? Reason, string? Message) Parse(JsonElement status)
    {
        if (status.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }
        int? code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (code, string.IsNullOrEmpty(reason) ? null : reason, message);
    }

    private static string ReasonPhrase(int code) =>
        Enum.IsDefined(typeof(HttpStatusCode), code) ? ((HttpStatusCode)code).ToString() : "Error";

    private static string Shorten(string body)
    {
        var text = body.Trim();
        return text.Length == 0 ? "(empty body)" : text.Length <= MaxBodyInMessage ? text : text[..MaxBodyInMessage] + "…";
    }
}
