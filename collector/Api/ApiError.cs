using Microsoft.AspNetCore.Http;

namespace Observe.Collector.Api;

/// <summary>How every HTTP endpoint refuses a request: a JSON <c>{"error": …}</c> that quotes the bad value, shortened.</summary>
internal static class ApiError
{
    public static IResult Answer(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>A value quoted in an error, at most 80 characters of it.</summary>
    public static string Quote(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
