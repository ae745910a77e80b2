using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Observe.Store.Http;

/// <summary>
/// A ClickHouse server or cluster over its HTTP interface (port 8123 by default). SQL goes in the
/// request body or the <c>query</c> URL parameter, placeholder values as <c>param_NAME</c> URL
/// parameters, rows as a RowBinary body.
/// </summary>
internal sealed class HttpClickHouse : IClickHouseTransport
{
    private readonly HttpClient _http;
    private readonly Uri _baseUri;

    public HttpClickHouse(StoreOptions options, HttpMessageHandler? handler = null)
    {
        _baseUri = new Uri(options.Url ?? throw new ArgumentException("Store:Url is required for the HTTP transport."));
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = options.QueryTimeout,
        };
        if (!string.IsNullOrEmpty(options.User))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        Description = $"ClickHouse server at {_baseUri.GetLeftPart(UriPartial.Authority)}";
    }

    public string Description { get; }

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        using var response = await SendAsync(BuildUri(null, parameters), content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> QueryAsync(string sql, string format, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent($"{sql}\nFORMAT {format}", Encoding.UTF8);
        using var response = await SendAsync(BuildUri(null, parameters), content, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task InsertRowBinaryAsync(string table, string columns, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(rows);
        var query = $"INSERT INTO {table} ({columns}) FORMAT RowBinary";
        using var response = await SendAsync(BuildUri(query, null), content, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private Uri BuildUri(string? query, QueryParameters? parameters)
    {
        var builder = new StringBuilder();
        void Append(string key, string value)
        {
            builder.Append(builder.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (query is not null)
        {
            Append("query", query);
        }
        foreach (var (name, value) in parameters ?? [])
        {
            Append("param_" + name, QueryParameters.Escape(value));
        }
        return new Uri(_baseUri, builder.ToString());
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, HttpContent content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StoreUnavailableException($"{Description} is unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"{Description} did not answer within {_http.Timeout.TotalSeconds:0.#} s.", e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
            {
                throw new StoreUnavailableException($"{Description} answered {(int)response.StatusCode}: {body}");
            }
            throw new ClickHouseException(ErrorCode(response, body), $"{Description} answered {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>The code from the X-ClickHouse-Exception-Code header, or from "Code: N." in the body.</summary>
    private static int ErrorCode(HttpResponseMessage response, string body)
    {
        if (response.Headers.TryGetValues("X-ClickHouse-Exception-Code", out var values) && int.TryParse(values.FirstOrDefault(), out var header))
        {
            return header;
        }
        const string prefix = "Code: ";
        var start = body.IndexOf(prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return 0;
        }
        start += prefix.Length;
        var end = start;
        while (end < body.Length && char.IsAsciiDigit(body[end]))
        {
            end++;
        }
        return int.TryParse(body.AsSpan(start, end - start), out var code) ? code : 0;
    }
}
