using System.Net;
using System.Text.Json;
using Observe.Autoscaler.Kubernetes;
using static Observe.Autoscaler.Tests.Kubernetes.ClientFixtures;
using static Observe.Autoscaler.Tests.Kubernetes.ScriptedHandler;

namespace Observe.Autoscaler.Tests.Kubernetes;

public sealed class KubernetesClientTests
{
    private readonly TimerRecordingTime _time = new();

    [Fact]
    public async Task Get_scale_reads_spec_status_and_selector_of_the_scale_subresource()
    {
        var handler = new ScriptedHandler(_time, Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time);

        var scale = await client.GetScaleAsync(Web, CancellationToken.None);

        Assert.Equal((3, 2, "app=web", "42"), (scale.SpecReplicas, scale.StatusReplicas, scale.Selector, scale.Metadata.ResourceVersion));
        Assert.Equal("/apis/apps/v1/namespaces/shop/deployments/web/scale", handler.Requests[0].PathAndQuery);
        Assert.Equal("t0k3n", handler.Requests[0].Authorization);
    }

    [Fact]
    public async Task Patch_scale_is_a_merge_patch_with_the_resourceVersion_as_precondition()
    {
        var handler = new ScriptedHandler(_time, Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time);

        await client.PatchScaleAsync(Web with { Kind = "StatefulSet" }, 5, "41", CancellationToken.None);

        var request = handler.Requests[0];
        Assert.Equal(("PATCH", "/apis/apps/v1/namespaces/shop/statefulsets/web/scale", "application/merge-patch+json"), (request.Method, request.PathAndQuery, request.ContentType));
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("41", body.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal(5, body.RootElement.GetProperty("spec").GetProperty("replicas").GetInt32());
    }

    [Fact]
    public async Task A_scale_target_without_namespace_is_refused_before_any_request()
    {
        var handler = new ScriptedHandler(_time, Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetScaleAsync(Web with { Namespace = null }, CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Throttled_request_waits_the_servers_Retry_After_in_seconds_then_succeeds()
    {
        var handler = new ScriptedHandler(_time,
            Status(429, "TooManyRequests", "too many requests, please try again later", r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(3))),
            Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time);

        var scale = await AdvanceUntil(_time, client.GetScaleAsync(Web, CancellationToken.None));

        Assert.Equal(3, scale.SpecReplicas);
        Assert.Equal(2, handler.Requests.Count);
        var waited = handler.Requests[1].At - handler.Requests[0].At;
        Assert.Equal(TimeSpan.FromSeconds(3), waited);
    }

    [Fact]
    public async Task Retry_After_as_an_HTTP_date_is_honoured_and_capped_by_RetryMaxDelay()
    {
        var handler = new ScriptedHandler(_time,
            Status(503, "ServiceUnavailable", "etcd leader changed", r => r.Headers.RetryAfter = new(_time.GetUtcNow().AddMinutes(10))),
            Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time, new KubernetesClientOptions { RetryMaxDelay = TimeSpan.FromSeconds(4) });

        await AdvanceUntil(_time, client.GetScaleAsync(Web, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(4), handler.Requests[1].At - handler.Requests[0].At);
    }

    [Fact]
    public async Task Server_errors_are_retried_MaxRetries_times_with_growing_backoff_then_reported()
    {
        var handler = new ScriptedHandler(_time, Status(503, "ServiceUnavailable", "the server is currently unable to handle the request"));
        using var client = Client(handler, _time, new KubernetesClientOptions { MaxRetries = 3 }, random: () => 0.999);

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => AdvanceUntil(_time, client.GetScaleAsync(Web, CancellationToken.None)));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, handler.Requests.Count);
        var gaps = handler.Requests.Zip(handler.Requests.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToArray();
        // Full jitter drawn at 0.999 of the ceilings 200 ms, 400 ms, 800 ms (timers count whole milliseconds).
        Assert.Equal([199, 399, 799], gaps.Select(Math.Floor).ToArray());
    }

    [Fact]
    public async Task Transport_failures_of_a_read_are_retried()
    {
        var handler = new ScriptedHandler(_time, Throws(new HttpRequestException("connection refused")), Json(HttpStatusCode.OK, ScaleJson));
        using var client = Client(handler, _time);

        var scale = await AdvanceUntil(_time, client.GetScaleAsync(Web, CancellationToken.None));

        Assert.Equal(3, scale.SpecReplicas);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Creating_a_lease_is_not_repeated_after_a_server_error_it_may_have_survived()
    {
        var handler = new ScriptedHandler(_time, Status(500, "InternalError", "boom"));
        using var client = Client(handler, _time);
        var lease = new Lease(new ObjectMeta("observe", "ops"), "a", 15, null, null, 0);

        await Assert.ThrowsAsync<KubernetesApiException>(() => AdvanceUntil(_time, client.CreateLeaseAsync(lease, CancellationToken.None)));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Conflict_becomes_KubernetesConflictException_naming_method_path_code_reason_and_message()
    {
        var handler = new ScriptedHandler(_time, Status(409, "Conflict", "Operation cannot be fulfilled on deployments.apps \\\"web\\\": the object has been modified"));
        using var client = Client(handler, _time);

        var error = await Assert.ThrowsAsync<KubernetesConflictException>(() => client.PatchScaleAsync(Web, 4, "41", CancellationToken.None));

        Assert.Equal((409, "Conflict"), (error.StatusCode, error.Reason));
        Assert.Contains("PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale", error.Message);
        Assert.Contains("409 Conflict", error.Message);
        Assert.Contains("the object has been modified", error.Message);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData(403, "Forbidden", typeof(KubernetesApiException))]
    [InlineData(410, "Expired", typeof(ResourceExpiredException))]
    [InlineData(422, "Invalid", typeof(KubernetesApiException))]
    public async Task Status_bodies_map_to_exceptions_by_code(int code, string reason, Type expected)
    {
        var handler = new ScriptedHandler(_time, Status(code, reason, "said the server"));
        using var client = Client(handler, _time);

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.ListAsync(ResourceKind.ScalingPolicies, "shop", CancellationToken.None));

        Assert.IsType(expected, error);
        Assert.Equal((code, reason), (error.StatusCode, error.Reason));
        Assert.Contains("said the server", error.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_a_Status_is_quoted_in_the_message()
    {
        var handler = new ScriptedHandler(_time, _ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("<html>bad gateway config</html>") });
        using var client = Client(handler, _time);

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => client.ListAsync(ResourceKind.ScalingPolicies, null, CancellationToken.None));

        Assert.Contains("GET /apis/observe.dev/v1alpha1/scalingpolicies", error.Message);
        Assert.Contains("<html>bad gateway config</html>", error.Message);
    }

    [Fact]
    public async Task A_missing_lease_is_null()
    {
        var handler = new ScriptedHandler(_time, Status(404, "NotFound", "leases.coordination.k8s.io \\\"observe\\\" not found"));
        using var client = Client(handler, _time);

        Assert.Null(await client.GetLeaseAsync("ops", "observe", CancellationToken.None));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/ops/leases/observe", handler.Requests[0].PathAndQuery);
    }

    [Fact]
    public async Task Lease_times_are_written_as_MicroTime_with_six_fraction_digits()
    {
        var handler = new ScriptedHandler(_time, r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(r.Content!.ReadAsStringAsync().Result) });
        using var client = Client(handler, _time);
        var at = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_000);
        var lease = new Lease(new ObjectMeta("observe", "ops", ResourceVersion: "7"), "a", 15, at, at, 2);

        var back = await client.ReplaceLeaseAsync(lease, CancellationToken.None);

        Assert.Contains("\"renewTime\":\"2026-11-21T10:00:00.123400Z\"", handler.Requests[0].Body);
        Assert.Equal(("PUT", "a", at, 2), (handler.Requests[0].Method, back.HolderIdentity, back.RenewTime!.Value, back.LeaseTransitions));
    }

    [Fact]
    public async Task Events_are_events_k8s_io_v1_with_a_unique_name_MicroTime_and_a_note_cut_to_1_KiB()
    {
        var handler = new ScriptedHandler(_time, Json(HttpStatusCode.Created, "{}"));
        using var client = Client(handler, _time);
        var e = new ClusterEvent(new ObjectReference("apps/v1", "Deployment", "web", "shop"), "Normal", "ScaledUp", "Scale",
            new string('é', 2000), _time.GetUtcNow(), "observe.dev/autoscaler", "observe-0");

        await client.CreateEventAsync(e, CancellationToken.None);

        var request = handler.Requests[0];
        Assert.Equal(("POST", "/apis/events.k8s.io/v1/namespaces/shop/events"), (request.Method, request.PathAndQuery));
        var body = JsonDocument.Parse(request.Body!).RootElement;
        Assert.Matches("^web\\.[0-9a-f]{16}$", body.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("2026-11-21T00:00:00.000000Z", body.GetProperty("eventTime").GetString());
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(body.GetProperty("note").GetString()!), 1000, 1024);
        foreach (var field in new[] { "regarding", "reason", "action", "type", "reportingController", "reportingInstance" })
        {
            Assert.True(body.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Watch_asks_for_bookmarks_and_yields_events_until_an_ERROR_410_which_throws_ResourceExpired()
    {
        const string lines = """
            {"type":"ADDED","object":{"metadata":{"name":"p1","namespace":"shop","resourceVersion":"11"},"spec":{}}}
            {"type":"BOOKMARK","object":{"kind":"ScalingPolicy","metadata":{"resourceVersion":"15"}}}
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 10 (20)","reason":"Expired","code":410}}
            """;
        var handler = new ScriptedHandler(_time, Json(HttpStatusCode.OK, lines));
        using var client = Client(handler, _time);
        var seen = new List<WatchEvent>();

        await Assert.ThrowsAsync<ResourceExpiredException>(async () =>
        {
            await foreach (var e in client.WatchAsync(ResourceKind.ScalingPolicies, "shop", "10", CancellationToken.None))
            {
                seen.Add(e);
            }
        });

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark], seen.Select(e => e.Type));
        Assert.Equal("15", seen[1].Object.Metadata.ResourceVersion);
        Assert.Equal("/apis/observe.dev/v1alpha1/namespaces/shop/scalingpolicies?watch=1&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=300", handler.Requests[0].PathAndQuery);
    }

    [Fact]
    public async Task Watch_answered_with_HTTP_410_throws_ResourceExpired()
    {
        var handler = new ScriptedHandler(_time, Status(410, "Expired", "too old resource version"));
        using var client = Client(handler, _time);

        await Assert.ThrowsAsync<ResourceExpiredException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(ResourceKind.ScalingPolicies, null, "1", CancellationToken.None))
            {
            }
        });
    }

    [Fact]
    public async Task A_401_rereads_a_rotated_token_file_once_and_repeats_the_request()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "old\n");
            var handler = new ScriptedHandler(_time, r => r.Headers.Authorization?.Parameter == "new"
                ? Json(HttpStatusCode.OK, ScaleJson)(r)
                : Status(401, "Unauthorized", "Unauthorized")(r));
            using var client = Client(handler, _time, token: null, tokenFile: file);
            await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetScaleAsync(Web, CancellationToken.None));

            File.WriteAllText(file, "new\n");
            await client.GetScaleAsync(Web, CancellationToken.None);

            Assert.Equal(["old", "old", "old", "new"], handler.Requests.Select(r => r.Authorization));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cancellation_stops_a_retry_wait()
    {
        var handler = new ScriptedHandler(_time, Status(503, "ServiceUnavailable", "down"));
        using var client = Client(handler, _time);
        using var cts = new CancellationTokenSource();

        var call = client.GetScaleAsync(Web, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Options_name_the_bad_option()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubernetesClientOptions { RetryMaxDelay = TimeSpan.FromMilliseconds(10) }.Validate());
        Assert.Contains("RetryMaxDelay", error.Message);
        Assert.Contains("RetryBaseDelay", error.Message);
        Assert.Throws<ArgumentException>(() => new KubernetesClientOptions { MaxRetries = -1 }.Validate());
        new KubernetesClientOptions().Validate();
    }
}
