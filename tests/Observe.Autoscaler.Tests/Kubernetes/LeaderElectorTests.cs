using Microsoft.Extensions.Logging.Abstractions;
using Observe.Autoscaler.Kubernetes;

namespace Observe.Autoscaler.Tests.Kubernetes;

public sealed class LeaderElectorTests
{
    private static readonly LeaseSettings Settings = LeaseSettings.WithDefaults("ops", "observe", "a");
    private readonly ManualTime _time = new();

    private (LeaderElector Elector, CancellationTokenSource Stop, Task Run, TaskCompletionSource Leading, TaskCompletionSource Stopped) Start(string identity, IKubernetesApi api)
    {
        var elector = new LeaderElector(api, Settings with { Identity = identity }, _time, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(() => elector.RunAsync(async ct =>
        {
            leading.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                stopped.TrySetResult();
            }
        }, stop.Token));
        return (elector, stop, run, leading, stopped);
    }

    private async Task Step(TimeSpan by)
    {
        for (var passed = TimeSpan.Zero; passed < by; passed += TimeSpan.FromMilliseconds(500))
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            for (var i = 0; i < 20; i++) await Task.Yield();
        }
    }

    [Fact]
    public async Task The_leaders_cancellation_releases_the_lease_and_the_other_takes_over_at_once()
    {
        var cluster = new InMemoryCluster();
        var a = Start("a", cluster);
        await a.Leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var b = Start("b", cluster);
        await Step(TimeSpan.FromSeconds(3));
        Assert.False(b.Leading.Task.IsCompleted);
        Assert.Equal("a", b.Elector.Leader);

        await a.Stop.CancelAsync();
        await a.Run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(a.Stopped.Task.IsCompleted);
        Assert.Null(cluster.Lease("observe")!.HolderIdentity);
        var released = _time.GetUtcNow();
        while (!b.Leading.Task.IsCompleted && _time.GetUtcNow() - released < TimeSpan.FromSeconds(30)) await Step(TimeSpan.FromSeconds(1));

        Assert.True(b.Leading.Task.IsCompleted);
        Assert.InRange(_time.GetUtcNow() - released, TimeSpan.Zero, Settings.RetryPeriod + TimeSpan.FromSeconds(1));
        var lease = cluster.Lease("observe")!;
        Assert.Equal(("b", 1), (lease.HolderIdentity, lease.LeaseTransitions));
        Assert.True(b.Elector.IsLeader);
        Assert.False(a.Elector.IsLeader);
        await b.Stop.CancelAsync();
        await b.Run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_leader_cut_off_stops_leading_before_another_takes_over_after_the_lease_duration()
    {
        var cluster = new InMemoryCluster();
        var cutOff = new PartitionedApi(cluster);
        var a = Start("a", cutOff);
        await a.Leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var b = Start("b", cluster);
        await Step(TimeSpan.FromSeconds(4));

        cutOff.Down = true;
        var killed = _time.GetUtcNow();
        TimeSpan? aStopped = null;
        while (!b.Leading.Task.IsCompleted && _time.GetUtcNow() - killed < TimeSpan.FromSeconds(60))
        {
            await Step(TimeSpan.FromSeconds(1));
            if (aStopped is null && a.Stopped.Task.IsCompleted) aStopped = _time.GetUtcNow() - killed;
        }
        var takenOver = _time.GetUtcNow() - killed;

        Assert.True(b.Leading.Task.IsCompleted);
        Assert.NotNull(aStopped);
        Assert.InRange(aStopped!.Value, TimeSpan.Zero, Settings.RenewDeadline + TimeSpan.FromSeconds(1));
        Assert.InRange(takenOver, Settings.LeaseDuration - Settings.RetryPeriod, Settings.LeaseDuration + Settings.RetryPeriod + TimeSpan.FromSeconds(1));
        Assert.True(aStopped < takenOver);
        Assert.Equal(("b", 1), (cluster.Lease("observe")!.HolderIdentity, cluster.Lease("observe")!.LeaseTransitions));
        await a.Stop.CancelAsync();
        await b.Stop.CancelAsync();
        await Task.WhenAll(a.Run, b.Run).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Settings_must_order_duration_deadline_and_retry_period()
    {
        var error = Assert.Throws<ArgumentException>(() => (Settings with { RenewDeadline = TimeSpan.FromSeconds(20) }).Validate());
        Assert.Contains("LeaseDuration", error.Message);
        Assert.Throws<ArgumentException>(() => (Settings with { RetryPeriod = TimeSpan.FromSeconds(10) }).Validate());
        Assert.Throws<ArgumentException>(() => (Settings with { RetryPeriod = TimeSpan.Zero }).Validate());
        Settings.Validate();
    }
}
