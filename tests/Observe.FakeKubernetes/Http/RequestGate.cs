using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Observe.FakeKubernetes.Http;

/// <summary>
/// What every request passes before it reaches a resource, in the server's order: authentication
/// (a bearer token), then the failures a test asked for (429/5xx with Retry-After).
/// </summary>
internal sealed class RequestGate
{
    private readonly Lock _lock = new();
    private readonly byte[] _expected;
    private int _failuresLeft;
    private int _failureCode;
    private TimeSpan? _retryAfter;

    public RequestGate(string token) => _expected = Encoding.UTF8.GetBytes("Bearer " + token);

    public void FailNext(int count, int statusCode, TimeSpan? retryAfter)
    {
        lock (_lock)
        {
            _failuresLeft = count;
            _failureCode = statusCode;
            _retryAfter = retryAfter;
        }
    }

    /// <summary>Throws the answer the request gets instead of being served, if any.</summary>
    public void Check(HttpRequest request)
    {
        var given = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            throw new ApiError(401, "Unauthorized", "Unauthorized");
        }
        lock (_lock)
        {
            if (_failuresLeft <= 0)
            {
                return;
            }
            _failuresLeft--;
            throw Failure(_failureCode, _retryAfter);
        }
    }

    private static ApiError Failure(int code, TimeSpan? retryAfter)
    {
        var (reason, message) = code switch
        {
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            500 => ("InternalError", "Internal error occurred: injected by the fake API server"),
            503 => ("ServiceUnavailable", "The server is currently unable to handle the request"),
            504 => ("Timeout", "The server was unable to return a response in the time allotted, but may still be processing the request"),
            _ => ("InternalError", $"injected failure {code}"),
        };
        var details = retryAfter is { } after
            ? new System.Text.Json.Nodes.JsonObject { ["retryAfterSeconds"] = RetryAfterSeconds(after) }
            : null;
        return new ApiError(code, reason, message, details) { RetryAfter = retryAfter };
    }

    public static int RetryAfterSeconds(TimeSpan after) => (int)Math.Ceiling(after.TotalSeconds);

    public static string RetryAfterHeader(TimeSpan after) => RetryAfterSeconds(after).ToString(CultureInfo.InvariantCulture);
}
