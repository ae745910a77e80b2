using System.Net;
using System.Net.Http.Headers;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// How long to wait before retry number <c>attempt</c> (0 for the first): exponential backoff with
/// full jitter, so that many clients refused at once do not come back at once; the server's
/// Retry-After, when it sent one, instead. Never more than the maximum.
/// </summary>
internal sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double> random)
{
    public TimeSpan Delay(int attempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (RetryAfter(retryAfter, now) is { } asked)
        {
            return asked > maxDelay ? maxDelay : asked;
        }
        // 2^attempt overflows nothing: the exponent is capped well before a double loses the range.
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 40)));
        return TimeSpan.FromTicks((long)(random() * ceiling));
    }

    /// <summary>Which answers are worth asking again: throttling and the server's or a proxy's transient failures.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
