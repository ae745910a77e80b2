using Microsoft.Extensions.Logging.Abstractions;
using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Tests.Slo;

public sealed class SloCatalogTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slo-catalog-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private void Write(string name, string text) => File.WriteAllText(PathOf(name), text);

    private static string Slo(string name, string target = "0.999") =>
        SloText.Ratio.Replace("checkout-availability", name).Replace("0.999", target);

    [Fact]
    public async Task Keeps_a_broken_files_last_good_version_and_drops_a_deleted_files_slos()
    {
        Write("a.yaml", Slo("alpha"));
        Write("b.yaml", Slo("beta"));
        var time = new ManualTime();
        var catalog = new SloCatalog(_dir.FullName, time, NullLogger.Instance, Interval);

        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Equal(["alpha", "beta"], catalog.Current.Select(s => s.Name));
        Assert.Empty(catalog.Findings);
        Assert.Equal(time.GetUtcNow(), catalog.LastLoaded);
        Assert.Equal(1, catalog.Version);

        Write("a.yaml", Slo("alpha", "0.99") + "\n  oops: [\n");
        time.Advance(TimeSpan.FromMinutes(1));
        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Equal(["alpha", "beta"], catalog.Current.Select(s => s.Name));
        Assert.Equal(0.999, catalog.Current[0].Objectives[0].Target); // the last good alpha
        var error = Assert.Single(catalog.Findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal(PathOf("a.yaml"), error.Location.File);
        Assert.StartsWith("YAML syntax", error.Message, StringComparison.Ordinal);
        Assert.Contains(catalog.Findings, f => f.Severity == FindingSeverity.Warning && f.Message.Contains("stays active", StringComparison.Ordinal));

        Write("a.yaml", Slo("alpha", "0.99"));
        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Equal(0.99, catalog.Current[0].Objectives[0].Target);
        Assert.Empty(catalog.Findings);

        File.Delete(PathOf("b.yaml"));
        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name));
        Assert.Equal(4, catalog.Version);
    }

    [Fact]
    public async Task A_directory_that_cannot_be_read_keeps_everything()
    {
        Write("a.yaml", Slo("alpha"));
        var catalog = new SloCatalog(_dir.FullName, new ManualTime(), NullLogger.Instance, Interval);
        await catalog.ReloadAsync(CancellationToken.None);

        Directory.Move(_dir.FullName, _dir.FullName + "-gone");
        try
        {
            await catalog.ReloadAsync(CancellationToken.None);
            Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name));
            Assert.Equal(new SourceLocation(_dir.FullName, 1, 1), Assert.Single(catalog.Findings).Location);
        }
        finally
        {
            Directory.Move(_dir.FullName + "-gone", _dir.FullName);
        }
        await catalog.ReloadAsync(CancellationToken.None);
        Assert.Empty(catalog.Findings);
    }

    [Fact]
    public async Task A_file_caught_half_written_is_read_only_once_it_has_stood_still_for_a_poll()
    {
        Write("a.yaml", Slo("alpha"));
        var catalog = new SloCatalog(_dir.FullName, new ManualTime(), NullLogger.Instance, Interval);
        await catalog.PollAsync(CancellationToken.None);
        Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name));
        Assert.Equal(1L, catalog.Version);

        // An editor truncates the file, a poll looks, then the new text arrives.
        Write("a.yaml", "");
        await catalog.PollAsync(CancellationToken.None);
        Write("a.yaml", Slo("beta"));
        await catalog.PollAsync(CancellationToken.None);
        Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name)); // the empty file never loaded
        Assert.Equal(1L, catalog.Version);

        await catalog.PollAsync(CancellationToken.None);
        Assert.Equal(["beta"], catalog.Current.Select(s => s.Name));
        Assert.Equal(2L, catalog.Version);
        await catalog.PollAsync(CancellationToken.None);
        Assert.Equal(2L, catalog.Version);
    }

    [Fact]
    public async Task Polls_on_the_injected_clock_and_reloads_only_changed_files()
    {
        Write("a.yaml", Slo("alpha"));
        var time = new ManualTime();
        var catalog = new SloCatalog(_dir.FullName, time, NullLogger.Instance, Interval);
        var changes = 0;
        catalog.Changed += (_, _) => Interlocked.Increment(ref changes);
        using var stop = new CancellationTokenSource();
        var run = catalog.RunAsync(stop.Token);

        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(catalog.Version == 1), TimeSpan.FromSeconds(10)));
        Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name));

        Write("b.yaml", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: [\n");
        // Advancing until the reload shows avoids racing the loop's next Task.Delay registration.
        Assert.True(await Loopback.EventuallyAsync(() => { time.Advance(Interval); return Task.FromResult(catalog.Version == 2); }, TimeSpan.FromSeconds(10)));
        Assert.Equal(["alpha"], catalog.Current.Select(s => s.Name)); // b has never been good: nothing of it loads
        Assert.Equal(PathOf("b.yaml"), Assert.Single(catalog.Findings).Location.File);

        Write("b.yaml", Slo("beta"));
        Assert.True(await Loopback.EventuallyAsync(() => { time.Advance(Interval); return Task.FromResult(catalog.Version == 3); }, TimeSpan.FromSeconds(10)));
        Assert.Equal(["alpha", "beta"], catalog.Current.Select(s => s.Name));

        // Polls that find nothing new do not reload.
        for (var i = 0; i < 5; i++)
        {
            time.Advance(Interval);
        }
        Assert.Equal(3, catalog.Version);
        Assert.Equal(3, Volatile.Read(ref changes));

        await stop.CancelAsync();
        await run;
    }
}
