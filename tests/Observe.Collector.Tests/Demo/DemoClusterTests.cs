using System.Text.Json;
using System.Text.Json.Nodes;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.Collector.Demo;

namespace Observe.Collector.Tests.Demo;

/// <summary>The simulated cluster keeps the API's rules the controller depends on.</summary>
public sealed class DemoClusterTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(10);
    private static readonly ScaleTarget Reviews = new("apps/v1", "Deployment", "reviews-v1", BookinfoMesh.Namespace);

    private readonly ManualTime _time = new();

    private DemoCluster NewCluster() => new(BookinfoMesh.Workloads, Startup, _time, new Random(7));

    [Fact]
    public async Task A_scale_written_with_a_stale_resource_version_is_refused_with_a_conflict()
    {
        var cluster = NewCluster();
        var read = await cluster.GetScaleAsync(Reviews, default);

        var written = await cluster.PatchScaleAsync(Reviews, 4, read.Metadata.ResourceVersion!, default);
        var stale = await Assert.ThrowsAsync<KubernetesConflictException>(() => cluster.PatchScaleAsync(Reviews, 6, read.Metadata.ResourceVersion!, default));

        Assert.Equal(4, written.SpecReplicas);
        Assert.Equal(409, stale.StatusCode);
        Assert.Contains("has been modified", stale.Message);
        Assert.Equal(4, (await cluster.GetScaleAsync(Reviews, default)).SpecReplicas);
        Assert.NotEqual(read.Metadata.ResourceVersion, written.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Pods_follow_the_scale_across_both_zones_and_become_ready_only_after_the_startup_delay()
    {
        var cluster = NewCluster();
        var read = await cluster.GetScaleAsync(Reviews, default);
        Assert.Equal(2, read.StatusReplicas);

        await cluster.PatchScaleAsync(Reviews, 6, read.Metadata.ResourceVersion!, default);
        var pods = await cluster.ListPodsAsync(BookinfoMesh.Namespace, read.Selector!, default);
        Assert.Equal(6, pods.Count);
        Assert.Equal(2, pods.Count(p => p.Ready));
        Assert.All(pods, p => Assert.StartsWith("reviews-v1-", p.Name));
        var zones = cluster.Workloads().Single(w => w.Workload == BookinfoMesh.ReviewsV1).Zones;
        Assert.Equal((3, 1), (zones["a"].Replicas, zones["a"].Ready));
        Assert.Equal((3, 1), (zones["b"].Replicas, zones["b"].Ready));

        _time.Advance(Startup - TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await cluster.ListPodsAsync(BookinfoMesh.Namespace, read.Selector!, default)).Count(p => p.Ready));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6, (await cluster.ListPodsAsync(BookinfoMesh.Namespace, read.Selector!, default)).Count(p => p.Ready));

        // Scaling down terminates pods from the fuller zone; they are gone after a grace period.
        var now = await cluster.GetScaleAsync(Reviews, default);
        await cluster.PatchScaleAsync(Reviews, 3, now.Metadata.ResourceVersion!, default);
        var down = await cluster.ListPodsAsync(BookinfoMesh.Namespace, read.Selector!, default);
        Assert.Equal(3, down.Count(p => p.Terminating));
        Assert.Equal(3, (await cluster.GetScaleAsync(Reviews, default)).StatusReplicas);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await cluster.ListPodsAsync(BookinfoMesh.Namespace, read.Selector!, default)).Count);
    }

    [Fact]
    public async Task The_controllers_own_status_write_moves_the_version_a_scale_write_must_carry()
    {
        var cluster = NewCluster();
        var read = await cluster.GetScaleAsync(Reviews, default);
        await cluster.PatchScaleAsync(Reviews, 3, read.Metadata.ResourceVersion!, default);
        var before = await cluster.GetScaleAsync(Reviews, default);

        // The new pod turning Ready is a status change of the Deployment: a new resourceVersion.
        _time.Advance(Startup);
        var after = await cluster.GetScaleAsync(Reviews, default);

        Assert.NotEqual(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        await Assert.ThrowsAsync<KubernetesConflictException>(() => cluster.PatchScaleAsync(Reviews, 5, before.Metadata.ResourceVersion!, default));
    }

    [Fact]
    public async Task Status_patches_leave_spec_and_generation_and_watches_replay_changes_then_end_with_a_bookmark()
    {
        var cluster = NewCluster();
        cluster.Apply(ResourceKind.ScalingPolicies, "bookinfo", "reviews", new JsonObject { ["maxReplicas"] = 5 });
        var list = await cluster.ListAsync(ResourceKind.ScalingPolicies, null, default);
        var item = Assert.Single(list.Items);
        Assert.Equal(1, item.Metadata.Generation);

        await cluster.PatchStatusAsync(ResourceKind.ScalingPolicies, "bookinfo", "reviews",
            JsonSerializer.SerializeToElement(new { currentReplicas = 3 }), default);
        cluster.Apply(ResourceKind.ScalingPolicies, "bookinfo", "reviews", new JsonObject { ["maxReplicas"] = 8 });
        var stored = cluster.Find(ResourceKind.ScalingPolicies, "bookinfo", "reviews")!;
        Assert.Equal(2, stored.Metadata.Generation);
        Assert.Equal(8, stored.Json.GetProperty("spec").GetProperty("maxReplicas").GetInt32());
        Assert.Equal(3, stored.Json.GetProperty("status").GetProperty("currentReplicas").GetInt32());

        using var stop = new CancellationTokenSource();
        var events = new List<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in cluster.WatchAsync(ResourceKind.ScalingPolicies, "bookinfo", list.ResourceVersion, stop.Token))
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(Count(events) == 2), TimeSpan.FromSeconds(10)));
        cluster.Apply(ResourceKind.ScalingPolicies, "bookinfo", "ratings", new JsonObject { ["maxReplicas"] = 4 });
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(Count(events) == 3), TimeSpan.FromSeconds(10)));

        // The API server ends a watch after its timeout; a bookmark carries the version to resume from.
        _time.Advance(DemoCluster.WatchTimeout);
        await watching.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([WatchEventType.Modified, WatchEventType.Modified, WatchEventType.Added, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal("ratings", events[2].Object.Metadata.Name);
        var resumed = await cluster.ListAsync(ResourceKind.ScalingPolicies, "bookinfo", default);
        Assert.Equal(resumed.ResourceVersion, events[3].Object.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_lease_is_replaced_only_at_the_version_it_was_read_at()
    {
        var cluster = NewCluster();
        var created = await cluster.CreateLeaseAsync(new Lease(new ObjectMeta("observe-controller", "observe"), "one", 15, null, null, 0), default);
        await Assert.ThrowsAsync<KubernetesConflictException>(() => cluster.CreateLeaseAsync(created, default));

        var renewed = await cluster.ReplaceLeaseAsync(created with { HolderIdentity = "two" }, default);

        await Assert.ThrowsAsync<KubernetesConflictException>(() => cluster.ReplaceLeaseAsync(created with { HolderIdentity = "three" }, default));
        Assert.Equal("two", (await cluster.GetLeaseAsync("observe", "observe-controller", default))!.HolderIdentity);
        Assert.NotEqual(created.Metadata.ResourceVersion, renewed.Metadata.ResourceVersion);
    }

    private static int Count(List<WatchEvent> events)
    {
        lock (events)
        {
            return events.Count;
        }
    }
}
