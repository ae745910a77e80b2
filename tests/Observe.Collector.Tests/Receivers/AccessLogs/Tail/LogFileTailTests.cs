using System.Text;
using System.Text.Json;
using Observe.Collector.Receivers.AccessLogs.Tail;

namespace Observe.Collector.Tests.Receivers.AccessLogs.Tail;

/// <summary>
/// Real files in a temporary directory, renamed and truncated the way logrotate does it, and a
/// manual clock: each check moves it one poll interval. Counts are checked exactly, and where a
/// duplicate could still be on its way a final line written last proves nothing else follows.
/// </summary>
public sealed class LogFileTailTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("observe-tail-");
    private readonly ManualTime _time = new();

    private string Log => Path.Combine(_directory.FullName, "access.log");

    private string StatePath => Path.Combine(_directory.FullName, "state", "offsets.json");

    public void Dispose() => _directory.Delete(recursive: true);

    private TailOptions Options(Action<TailOptions>? change = null)
    {
        var options = new TailOptions
        {
            Files = [new TailedFileOptions { Path = Log, Format = "nginx-json", Workload = "web", Namespace = "shop" }],
            RotateWait = TimeSpan.FromSeconds(1),
        };
        change?.Invoke(options);
        return options;
    }

    private TailRun Start(TailOptions? options = null, Func<int, bool>? refuse = null) => new(options ?? Options(), StatePath, _time, refuse);

    private static void Append(string path, string text) => File.AppendAllText(path, text);

    private static void Append(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
    }

    /// <summary>The position saved for the log, read back from the state file.</summary>
    private (ulong Device, ulong Inode, long Offset)? Saved()
    {
        if (!File.Exists(StatePath))
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(StatePath));
        if (!document.RootElement.GetProperty("files").TryGetProperty(Log, out var entry))
        {
            return null;
        }
        return (entry.GetProperty("device").GetUInt64(), entry.GetProperty("inode").GetUInt64(), entry.GetProperty("offset").GetInt64());
    }

    private static FileIdentity Identity(string path) => FileStat.Of(path)!.Value.Identity;

    [Fact]
    public async Task Lines_appended_in_several_writes_arrive_whole_and_a_partial_line_waits_for_its_end()
    {
        Append(Log, "first\nsec");
        await using var run = Start();
        await run.UntilLinesAsync(1);

        Append(Log, "ond\r\nthi");
        Append(Log, "rd\n");
        await run.UntilLinesAsync(3);

        Assert.Equal(["first", "second", "third"], run.Texts);
        Assert.Equal([0L, 6L, 14L], run.Lines.Select(l => l.Offset));
        Assert.All(run.Lines, l => Assert.False(l.Truncated));
        var delivery = run.Accepted[0];
        Assert.Equal(Log, delivery.Path);
        await run.UntilAsync(() => Saved()?.Offset == 20);
        Assert.Equal(new TailPosition(Identity(Log), 20), run.Accepted[^1].Position);
    }

    [Fact]
    public async Task A_file_that_does_not_exist_yet_is_read_from_its_beginning_once_it_appears()
    {
        await using var run = Start();
        await run.UntilAsync(() => true);
        Assert.Empty(run.Lines);

        Append(Log, "one\ntwo\n");
        await run.UntilLinesAsync(2);

        Assert.Equal(["one", "two"], run.Texts);
    }

    [Fact]
    public async Task Rename_rotation_reads_what_the_writer_adds_to_the_old_file_then_the_new_file()
    {
        // The writer keeps its handle across the rename, as nginx does until it reopens its log.
        var oldWriter = new FileStream(Log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        oldWriter.Write("1\n2\n"u8);
        oldWriter.Flush();
        await using var run = Start();
        await run.UntilLinesAsync(2);

        File.Move(Log, Log + ".1");
        oldWriter.Write("3\n"u8);
        oldWriter.Flush();
        Append(Log, "4\n5\n");
        oldWriter.Write("6\n"u8);
        await oldWriter.DisposeAsync();
        await run.UntilLinesAsync(6);

        Assert.Equal(["1", "2", "3", "6", "4", "5"], run.Texts);
        Assert.Equal([0L, 2L, 4L, 6L, 0L, 2L], run.Lines.Select(l => l.Offset));

        Append(Log, "7\n");
        await run.UntilLinesAsync(7);
        Assert.Equal(["1", "2", "3", "6", "4", "5", "7"], run.Texts);
        var current = Identity(Log);
        Assert.Equal(new TailPosition(current, 6), run.Accepted[^1].Position);
        await run.UntilAsync(() => Saved() == (current.Device, current.Inode, 6));
    }

    [Fact]
    public async Task An_unfinished_last_line_of_a_rotated_file_is_delivered_as_it_is_before_the_new_file()
    {
        Append(Log, "1\n2");
        await using var run = Start();
        await run.UntilLinesAsync(1);

        File.Move(Log, Log + ".1");
        Append(Log, "3\n");
        await run.UntilLinesAsync(3);

        Assert.Equal(["1", "2", "3"], run.Texts);
        Assert.Equal([0L, 2L, 0L], run.Lines.Select(l => l.Offset));
    }

    [Fact]
    public async Task Copytruncate_starts_the_file_again_from_its_beginning()
    {
        Append(Log, "one\ntwo\nthree\n");
        await using var run = Start();
        await run.UntilLinesAsync(3);

        File.Copy(Log, Log + ".1");
        using (var truncate = new FileStream(Log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            truncate.SetLength(0);
        }
        Append(Log, "four\n");
        await run.UntilLinesAsync(4);
        Append(Log, "five\n");
        await run.UntilLinesAsync(5);

        Assert.Equal(["one", "two", "three", "four", "five"], run.Texts);
        Assert.Equal([0L, 4L, 8L, 0L, 5L], run.Lines.Select(l => l.Offset));
    }

    [Fact]
    public async Task A_restart_resumes_at_the_saved_offset_without_repeating_lines()
    {
        Append(Log, "1\n2\n3\n");
        await using (var first = Start())
        {
            await first.UntilLinesAsync(3);
            await first.UntilAsync(() => Saved()?.Offset == 6);
        }
        Append(Log, "4\n5\n");

        await using var second = Start();
        await second.UntilLinesAsync(2);
        Append(Log, "last\n");
        await second.UntilLinesAsync(3);

        Assert.Equal(["4", "5", "last"], second.Texts);
        Assert.Equal([6L, 8L, 10L], second.Lines.Select(l => l.Offset));
    }

    [Fact]
    public async Task A_rotation_while_stopped_finishes_the_renamed_file_then_reads_the_new_one()
    {
        Append(Log, "1\n2\n");
        await using (var first = Start())
        {
            await first.UntilAsync(() => Saved()?.Offset == 4);
        }
        Append(Log, "3\n");
        File.Move(Log, Log + ".1");
        Append(Log + ".1", "4\n");
        Append(Log, "5\n6\n");
        // Neither an older rotation nor another log is mistaken for the renamed file.
        Append(Log + ".2", "older\n");
        Append(Path.Combine(_directory.FullName, "other.log"), "other\n");

        await using var second = Start();
        await second.UntilLinesAsync(4);
        Append(Log, "last\n");
        await second.UntilLinesAsync(5);

        Assert.Equal(["3", "4", "5", "6", "last"], second.Texts);
        Assert.Equal([4L, 6L, 0L, 2L, 4L], second.Lines.Select(l => l.Offset));
    }

    [Fact]
    public async Task A_rotation_while_stopped_whose_old_file_is_gone_reads_the_new_file_from_its_beginning()
    {
        Append(Log, "1\n2\n");
        await using (var first = Start())
        {
            await first.UntilAsync(() => Saved()?.Offset == 4);
        }
        File.Move(Log, Path.Combine(_directory.FullName, "archived"));
        Append(Log, "3\n");

        await using var second = Start();
        await second.UntilLinesAsync(1);
        Append(Log, "last\n");
        await second.UntilLinesAsync(2);

        Assert.Equal(["3", "last"], second.Texts);
    }

    [Fact]
    public async Task Refused_lines_are_delivered_again_unchanged_and_nothing_is_lost()
    {
        Append(Log, "1\n2\n");
        await using var run = Start(refuse: attempt => attempt < 3);
        await run.UntilAsync(() => run.Attempts.Count >= 2);
        Append(Log, "3\n");
        await run.UntilLinesAsync(3);

        var attempts = run.Attempts;
        Assert.Equal(["1", "2"], attempts[0].Lines.Select(l => l.Text));
        Assert.Equal(["1", "2"], attempts[1].Lines.Select(l => l.Text));
        Assert.Equal(["1", "2"], attempts[2].Lines.Select(l => l.Text));
        Assert.Equal(["1", "2", "3"], run.Texts);
    }

    [Fact]
    public async Task Refused_lines_are_not_saved_as_read_so_a_restart_delivers_them()
    {
        Append(Log, "1\n2\n");
        await using (var refusing = Start(refuse: _ => true))
        {
            await refusing.UntilAsync(() => refusing.Attempts.Count >= 2);
        }
        Assert.Null(Saved());

        await using var second = Start();
        await second.UntilLinesAsync(2);
        Append(Log, "last\n");
        await second.UntilLinesAsync(3);

        Assert.Equal(["1", "2", "last"], second.Texts);
    }

    [Fact]
    public async Task An_over_long_line_arrives_once_cut_to_the_limit_and_the_lines_after_it_are_intact()
    {
        var options = Options(o => o.MaxLineBytes = 1024);
        Append(Log, "short1\n" + new string('x', 2000));
        await using var run = Start(options);
        await run.UntilLinesAsync(1);

        // The rest of the long line arrives later: it is skipped up to its newline.
        Append(Log, new string('y', 1000) + "\nshort2\n" + new string('z', 1024) + "\r\n" + new string('w', 1025) + "\nend\n");
        await run.UntilLinesAsync(6);

        var lines = run.Lines;
        Assert.Equal(6, lines.Count);
        Assert.Equal(("short1", 0L, false), (lines[0].Text, lines[0].Offset, lines[0].Truncated));
        Assert.Equal((new string('x', 1024), 7L, true), (lines[1].Text, lines[1].Offset, lines[1].Truncated));
        Assert.Equal(("short2", 3008L, false), (lines[2].Text, lines[2].Offset, lines[2].Truncated));
        Assert.Equal((new string('z', 1024), 3015L, false), (lines[3].Text, lines[3].Offset, lines[3].Truncated));
        Assert.Equal((new string('w', 1024), 4041L, true), (lines[4].Text, lines[4].Offset, lines[4].Truncated));
        Assert.Equal(("end", 5067L, false), (lines[5].Text, lines[5].Offset, lines[5].Truncated));
        await run.UntilAsync(() => Saved()?.Offset == new FileInfo(Log).Length);
    }

    [Fact]
    public async Task Invalid_utf8_reaches_the_receiver_byte_for_byte()
    {
        byte[] first = [0xFF, 0xFE, (byte)'A', 0xC3], second = [0x80, 0xED, 0xA0, 0x80];
        Append(Log, [.. first, (byte)'\n', .. second, (byte)'\r', (byte)'\n']);
        await using var run = Start();
        await run.UntilLinesAsync(2);

        Assert.Equal(first, run.Lines[0].Bytes);
        Assert.Equal(second, run.Lines[1].Bytes);
    }

    [Fact]
    public async Task Batches_hold_at_most_MaxBatchLines_lines()
    {
        Append(Log, string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
        await using var run = Start(Options(o => o.MaxBatchLines = 3));
        await run.UntilLinesAsync(10);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"{i}"), run.Texts);
        Assert.All(run.Accepted, d => Assert.InRange(d.Lines.Count, 1, 3));
        Assert.Equal([3, 3, 3, 1], run.Accepted.Select(d => d.Lines.Count));
    }

    [Fact]
    public async Task Batches_close_before_the_line_that_would_pass_MaxBatchBytes()
    {
        var lines = Enumerable.Range(0, 7).Select(i => new string((char)('a' + i), 300)).ToList();
        Append(Log, string.Concat(lines.Select(l => l + "\n")));
        await using var run = Start(Options(o => o.MaxBatchBytes = 1024));
        await run.UntilLinesAsync(7);

        Assert.Equal(lines, run.Texts);
        Assert.Equal([3, 3, 1], run.Accepted.Select(d => d.Lines.Count));
        Assert.Equal([903L, 1806L, 2107L], run.Accepted.Select(d => d.Position.Offset));
    }

    [Fact]
    public async Task Many_lines_written_in_random_pieces_arrive_exactly_once_and_in_order()
    {
        // Pieces cut lines anywhere, some lines are longer than a read chunk (64 KiB), and batches
        // close on both limits.
        var random = new Random(7);
        var lines = Enumerable.Range(0, 20_000)
            .Select(i => $"{i}:" + new string((char)('a' + i % 26), random.Next(0, i % 500 == 0 ? 70_000 : 200)))
            .ToList();
        var content = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        await using var run = Start(Options(o =>
        {
            o.MaxBatchLines = 777;
            o.MaxBatchBytes = 100_000;
            o.MaxLineBytes = 1 << 20;
        }));

        var written = 0;
        await run.UntilAsync(() =>
        {
            if (written < content.Length)
            {
                var count = Math.Min(content.Length - written, random.Next(1, 300_000));
                Append(Log, content[written..(written + count)]);
                written += count;
            }
            return run.Lines.Count >= lines.Count;
        });

        Assert.Equal(lines, run.Texts);
        Assert.All(run.Accepted, d => Assert.InRange(d.Lines.Count, 1, 777));
        Assert.All(run.Accepted, d => Assert.True(d.Lines.Sum(l => l.Bytes.Length) <= 100_000 || d.Lines.Count == 1));
    }

    [Fact]
    public void The_default_state_path_is_under_the_store_data_directory()
    {
        Assert.Equal("/data/accesslog-offsets.json", new TailOptions().StatePathOr("/data"));
        Assert.Equal("/elsewhere/offsets.json", new TailOptions { StatePath = "/elsewhere/offsets.json" }.StatePathOr("/data"));
    }

    [Theory]
    [InlineData("no path", "AccessLogs:Tail:Files:0:Path is required.")]
    [InlineData("relative path", "AccessLogs:Tail:Files:0:Path has an invalid value: 'logs/access.log' (must be an absolute path to a file).")]
    [InlineData("same path twice", "AccessLogs:Tail:Files:1:Path has an invalid value: '/var/log/./access.log' (listed twice: each file has one offset).")]
    [InlineData("unknown format", "AccessLogs:Tail:Files:0:Format has an invalid value: 'apache' (expected istio-json, envoy-json, nginx-json, istio-text, or none to detect).")]
    [InlineData("zero poll interval", "AccessLogs:Tail:PollInterval has an invalid value: 00:00:00.")]
    [InlineData("tiny line limit", "AccessLogs:Tail:MaxLineBytes has an invalid value: 100.")]
    [InlineData("no lines per batch", "AccessLogs:Tail:MaxBatchLines has an invalid value: 0.")]
    [InlineData("negative batch bytes", "AccessLogs:Tail:MaxBatchBytes has an invalid value: -1.")]
    [InlineData("zero retry", "AccessLogs:Tail:RetryAfter has an invalid value: 00:00:00.")]
    [InlineData("negative rotate wait", "AccessLogs:Tail:RotateWait has an invalid value: -00:00:01.")]
    public void Invalid_options_are_named_with_their_value(string change, string message)
    {
        var options = new TailOptions { Files = [new TailedFileOptions { Path = "/var/log/access.log" }] };
        Action<TailOptions> apply = change switch
        {
            "no path" => o => o.Files[0].Path = " ",
            "relative path" => o => o.Files[0].Path = "logs/access.log",
            "same path twice" => o => o.Files.Add(new TailedFileOptions { Path = "/var/log/./access.log" }),
            "unknown format" => o => o.Files[0].Format = "apache",
            "zero poll interval" => o => o.PollInterval = TimeSpan.Zero,
            "tiny line limit" => o => o.MaxLineBytes = 100,
            "no lines per batch" => o => o.MaxBatchLines = 0,
            "negative batch bytes" => o => o.MaxBatchBytes = -1,
            "zero retry" => o => o.RetryAfter = TimeSpan.Zero,
            "negative rotate wait" => o => o.RotateWait = TimeSpan.FromSeconds(-1),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        options.Validate();
        apply(options);

        Assert.Equal(message, Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public async Task An_unreadable_state_file_stops_the_tail_with_its_path()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.WriteAllText(StatePath, "{\"version\":1,\"files\":{\"/x\":{\"device\":1}}}");
        var tail = new LogFileTail(Options(), StatePath, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<LogFileTail>.Instance);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => tail.RunAsync((_, _) => Task.CompletedTask, CancellationToken.None));
        Assert.Contains(StatePath, error.Message);
    }

    [Fact]
    public void Line_batches_keep_the_partial_line_across_deliveries()
    {
        using var batch = new LineBatch(maxLineBytes: 1024, maxLines: 2, maxBytes: 1024);
        var bytes = Encoding.UTF8.GetBytes("a\nb\nc\nd");
        var used = batch.Feed(bytes);

        Assert.Equal(4, used);
        Assert.True(batch.IsFull);
        Assert.Equal(4, batch.LinesEnd);
        batch.Delivered();
        used += batch.Feed(bytes.AsSpan(used));
        Assert.Equal(bytes.Length, used);
        Assert.Equal(["c"], batch.Lines().Select(l => Encoding.UTF8.GetString(l.Bytes.Span)));
        Assert.True(batch.HasIncompleteLine);
        batch.EndIncompleteLine();
        Assert.Equal(["c", "d"], batch.Lines().Select(l => Encoding.UTF8.GetString(l.Bytes.Span)));
        Assert.Equal(bytes.Length, batch.LinesEnd);
    }
}
