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

    /// <summary>
    /// Moves the clock in half seconds, each only once every running elector waits on a timer of it
    /// (one each: a retry wait or a renew tick), so that a loaded machine cannot make the clock outrun them.
    /// </summary>
    private async Task Step(TimeSpan by, int electors = 2)
    {
        for (var passed = TimeSpan.Zero; passed < by; passed += TimeSpan.FromMilliseconds(500))
        {
            await _time.WhenTimersAsync(electors, TimeSpan.FromSeconds(30));
            _time.Advance(TimeSpan.FromMilliseconds(500));
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
        Assert.False(b.Elector.IsLeader);
        Assert.False(b.Leading.Task.IsCompleted);
        Assert.Equal("a", b.Elector.Leader);

        await a.Stop.CancelAsync();
        await a.Run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(a.Stopped.Task.IsCompleted);
        Assert.Null(cluster.Lease("observe")!.HolderIdentity);
        var released = _time.GetUtcNow();
        while (!b.Elector.IsLeader && _time.GetUtcNow() - released < TimeSpan.FromSeconds(30)) await Step(TimeSpan.FromSeconds(1), electors: 1);

        Assert.True(b.Elector.IsLeader);
        await b.Leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
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
        while (!b.Elector.IsLeader && _time.GetUtcNow() - killed < TimeSpan.FromSeconds(60))
        {
            await Step(TimeSpan.FromSeconds(1));
            if (aStopped is null && !a.Elector.IsLeader) aStopped = _time.GetUtcNow() - killed;
        }
        var takenOver = _time.GetUtcNow() - killed;

        Assert.True(b.Elector.IsLeader);
        await b.Leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(aStopped);
        // Leading ends by cancelling the lead: its work must have stopped too, not only the flag.
        await a.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
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
