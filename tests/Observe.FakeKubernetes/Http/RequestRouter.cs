using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Observe.FakeKubernetes.Http;

/// <summary>The one request handler: gate, resolve the path, serve it, answer errors as Status bodies, record it.</summary>
internal sealed class RequestRouter(RequestGate gate, ResourceHandlers handlers)
{
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = context.Request;
        try
        {
            gate.Check(request);
            await handlers.HandleAsync(context, ApiPath.Parse(request.Path.Value ?? "/"), cancellationToken);
        }
        catch (ApiError error) when (!context.Response.HasStarted)
        {
            if (error.RetryAfter is { } after)
            {
                context.Response.Headers.RetryAfter = RequestGate.RetryAfterHeader(after);
            }
            await JsonBodies.WriteAsync(context.Response, error.Code, error.ToStatus(), CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (e is not ApiError && !context.Response.HasStarted)
        {
            // A bug in the fake still answers like a server would, so the client's error path is what fails.
            var error = new ApiError(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}");
            await JsonBodies.WriteAsync(context.Response, 500, error.ToStatus(), CancellationToken.None);
        }
        finally
        {
            Requests.Enqueue(new RecordedRequest(request.Method, request.Path + request.QueryString, request.ContentType, context.Response.StatusCode));
        }
    }
}
