using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Observe.Collector.Api;
using Observe.Collector.Pipeline;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// <c>POST /api/v1/accesslogs</c>: newline-delimited lines (gzip allowed) in the format named by
/// <c>?format=</c> or detected per line; the reporting proxy may be named by query parameters
/// (<c>workload, namespace, service, version, cluster, zone, address</c>).
/// </summary>
internal sealed class AccessLogHttpEndpoint(AccessLogIngest ingest, AccessLogOptions options, ILogger<AccessLogHttpEndpoint> logger)
{
    public const string Path = "/api/v1/accesslogs";

    private static readonly LineOrigin Origin = new("http");

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        AccessLogFormat? format = null;
        if (query["format"].ToString() is { Length: > 0 } name)
        {
            if (!AccessLogLine.Names.TryGetValue(name, out var named))
            {
                return ApiError.Answer(400, $"format '{ApiError.Quote(name)}' is not known; use one of {string.Join(", ", AccessLogLine.Names.Keys)}, or leave it out to detect it per line");
            }
            format = named;
        }
        var proxy = Proxy(query);
        PayloadBuffer body;
        try
        {
            body = await PayloadBuffer.ReadAsync(context.Request.Body, options.MaxRequestBytes, context.Request.ContentLength, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException e)
        {
            return ApiError.Answer(413, e.Message);
        }
        using (body)
        {
            PayloadBuffer? inflated = null;
            try
            {
                inflated = PayloadBuffer.Decode(body, context.Request.Headers.ContentEncoding.ToString(), options.MaxRequestBytes);
                var lines = Lines((inflated ?? body).Memory, options.MaxLineBytes);
                var result = await ingest.IngestAsync(lines, format, proxy, Origin, context.RequestAborted).ConfigureAwait(false);
                return Results.Json(new { parsed = result.Parsed, unparsed = result.Unparsed, errors = result.Errors.Select(e => new { line = e.Line, error = e.Error }) });
            }
            catch (InvalidPayloadException e)
            {
                return ApiError.Answer(400, e.Message);
            }
            catch (PayloadTooLargeException e)
            {
                return ApiError.Answer(413, e.Message);
            }
            catch (UnsupportedEncodingException e)
            {
                return ApiError.Answer(415, e.Message);
            }
            catch (IngestRefusedException e)
            {
                logger.LogWarning("Access logs refused: {Reason}", e.Message);
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ApiError.Answer(503, e.Message);
            }
            finally
            {
                inflated?.Dispose();
            }
        }
    }

    /// <summary>Splits on '\n' (dropping a '\r' before it and blank lines); a line past the limit is cut and flagged.</summary>
    internal static List<ReceivedLine> Lines(ReadOnlyMemory<byte> body, int maxLineBytes)
    {
        var lines = new List<ReceivedLine>();
        var span = body.Span;
        var start = 0;
        while (start < span.Length)
        {
            var end = span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - start : end;
            var line = body.Slice(start, length);
            if (line.Length > 0 && line.Span[^1] == '\r')
            {
                line = line[..^1];
            }
            if (!line.Span.Trim((byte)' ').IsEmpty)
            {
                lines.Add(line.Length > maxLineBytes ? new ReceivedLine(line[..maxLineBytes], Truncated: true) : new ReceivedLine(line));
            }
            start += length + 1;
        }
        return lines;
    }

    private static ReportingProxy? Proxy(IQueryCollection query) => ReportingProxy.Named(
        query["workload"], query["namespace"], query["service"], query["version"], query["cluster"], query["zone"], query["address"]);
}
