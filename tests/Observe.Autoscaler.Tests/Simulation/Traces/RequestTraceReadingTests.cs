using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Autoscaler.Tests.Simulation.Traces;

public sealed class RequestTraceReadingTests : IDisposable
{
    private readonly TraceFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Per_minute_csv_reads_with_a_minute_step_from_its_first_time_as_utc()
    {
        var trace = RequestTraces.Read(_files.Write("site.csv", "period,count\n1998-04-30 21:30:00,2\n1998-04-30 21:31:00,11\n1998-04-30 21:32:00,16\n"));
        Assert.Equal("site", trace.Name);
        Assert.Equal(new DateTimeOffset(1998, 4, 30, 21, 30, 0, TimeSpan.Zero), trace.Start);
        Assert.Equal(TimeSpan.FromMinutes(1), trace.Step);
        Assert.Equal([2.0, 11, 16], trace.Counts);
        Assert.Equal(16 / 60.0, trace.PeakRate, 12);
    }

    [Fact]
    public void Per_second_csv_reads_rfc3339_times_with_offsets()
    {
        var trace = RequestTraces.Read(_files.Write("api.csv", "time,requests\r\n2024-01-01T01:00:00+01:00,5\r\n2024-01-01T00:00:01Z,7.5\r\n2024-01-01T00:00:02.000Z,0\r\n"));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), trace.Start);
        Assert.Equal(TimeSpan.FromSeconds(1), trace.Step);
        Assert.Equal([5, 7.5, 0], trace.Counts);
    }

    [Fact]
    public void Csv_without_a_header_and_with_blank_lines_reads_its_rows()
    {
        var trace = RequestTraces.Read(_files.Write("bare.csv", "\n2024-01-01 00:00:00,1\n\n2024-01-01 00:01:00,2\n"));
        Assert.Equal([1.0, 2], trace.Counts);
    }

    [Fact]
    public void A_short_gap_is_read_as_steps_without_requests_and_reported()
    {
        var path = _files.Write("gappy.csv", "time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n2024-01-01 00:06:00,3\n2024-01-01 00:07:00,4\n");
        var trace = RequestTraces.Read(path, out var gaps);
        Assert.Equal([1.0, 2, 0, 0, 0, 0, 3, 4], trace.Counts);
        Assert.Equal([new TraceGap(4, new DateTimeOffset(2024, 1, 1, 0, 2, 0, TimeSpan.Zero), 4)], gaps);
    }

    [Fact]
    public void Whitespace_file_is_counts_per_second_from_the_epoch()
    {
        var trace = RequestTraces.Read(_files.Write("counts.txt", "3 4\t5\n\n  6\n"));
        Assert.Equal(DateTimeOffset.UnixEpoch, trace.Start);
        Assert.Equal(TimeSpan.FromSeconds(1), trace.Step);
        Assert.Equal([3.0, 4, 5, 6], trace.Counts);
        Assert.Equal(6, trace.PeakRate);
    }

    [Theory]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,abc\n", 3, "count 'abc' is not a number")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,-4\n", 3, "count -4 is negative")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-13-01 00:01:00,4\n", 3, "unparseable time '2024-13-01 00:01:00'")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n2024-01-01 00:08:00,3\n", 4, "gap: 6 min missing after 2024-01-01 00:01:00 (expected 2024-01-01 00:02:00, found 2024-01-01 00:08:00)")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n2024-01-01 00:02:30,3\n", 4, "irregular spacing: 90 s after the previous row; expected 2024-01-01 00:02:00")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:00:10,2\n", 3, "the first two rows are 10 s apart")]
    [InlineData("time,count\n2024-01-01 00:01:00,1\n2024-01-01 00:00:00,2\n", 3, "time 2024-01-01 00:00:00 is not after the previous row's 2024-01-01 00:01:00")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2,3\n", 3, "expected two fields, time and count, found 3")]
    [InlineData("time,count\n2024-01-01 00:00:00,1\n", 2, "only one row")]
    [InlineData("time,count\n", 1, "no rows")]
    public void Csv_errors_name_the_line_and_what_was_wrong(string text, int line, string problem)
    {
        var path = _files.Write("bad.csv", text);
        var error = Assert.Throws<TraceFormatException>(() => RequestTraces.Read(path));
        Assert.StartsWith($"{path}:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 2\n3 x 4\n", 2, "count 'x' is not a number")]
    [InlineData("1\n\n2 -1\n", 3, "count -1 is negative")]
    [InlineData("\n\n", 2, "no counts")]
    public void Whitespace_errors_name_the_line_and_what_was_wrong(string text, int line, string problem)
    {
        var path = _files.Write("bad.txt", text);
        var error = Assert.Throws<TraceFormatException>(() => RequestTraces.Read(path));
        Assert.StartsWith($"{path}:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"observe-no-trace-{Guid.NewGuid():N}.csv");
        var error = Assert.Throws<TraceFormatException>(() => RequestTraces.Read(path));
        Assert.Equal($"{path}: no such file", error.Message);
    }

    [Fact]
    public void The_worldcup_trace_reads_whole()
    {
        // 125,300 rows over 125,310 minutes: seven short gaps (log outages or empty minutes) read as minutes without requests.
        var trace = RequestTraces.Read(RepositoryFiles.SharedData("traces", "worldcup98-requests-per-minute.csv"), out var gaps);
        Assert.Equal(125_310, trace.Counts.Length);
        Assert.Equal(7, gaps.Count);
        Assert.Equal(10, gaps.Sum(g => g.MissingSteps));
        Assert.Equal(new TraceGap(10434, new DateTimeOffset(1998, 5, 8, 3, 22, 0, TimeSpan.Zero), 1), gaps[0]);
        Assert.Equal(TimeSpan.FromMinutes(1), trace.Step);
        Assert.Equal(new DateTimeOffset(1998, 4, 30, 21, 30, 0, TimeSpan.Zero), trace.Start);
        Assert.Equal(new DateTimeOffset(1998, 7, 26, 21, 59, 0, TimeSpan.Zero), trace.Start + trace.Step * (trace.Counts.Length - 1));
        Assert.Equal(2, trace.Counts[0]);
        Assert.Equal(679, trace.Counts[^1]);
        // The busiest minute: 229,426 requests at 1998-07-07 21:41.
        Assert.Equal(229_426 / 60.0, trace.PeakRate, 9);
        Assert.Equal(new DateTimeOffset(1998, 7, 7, 21, 41, 0, TimeSpan.Zero), trace.Start + trace.Step * Array.IndexOf(trace.Counts, trace.Counts.Max()));
    }
}
