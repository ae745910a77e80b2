using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Observe.Collector.Bench;
using Observe.Collector.Tests.Receivers.Otlp;

namespace Observe.Collector.Tests.Hosting;

/// <summary>The observe binary as its own process: what it acknowledged is there after it is killed and restarted.</summary>
public sealed class ObserveProcessTests
{
    [Fact]
    public async Task Acknowledged_spans_survive_a_kill_and_restart()
    {
        var data = Directory.CreateTempSubdirectory("observe-crash-").FullName;
        try
        {
            var acknowledged = 0;
            await using (var first = await ServerProcess.StartAsync(CancellationToken.None, data))
            {
                using var grpc = new GrpcUnaryClient(new Uri($"http://127.0.0.1:{first.GrpcPort}"));
                for (var i = 0; i < 5; i++)
                {
                    var reply = await grpc.CallAsync("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                        OtlpRequests.Spans($"crash-{i}", 100, OtlpRequests.NowNanos()).ToByteArray());
                    Assert.Equal(0, reply.Status);
                    acknowledged += 100;
                }
                await first.KillAsync();
            }
            await using var second = await ServerProcess.StartAsync(CancellationToken.None, data);
            Assert.Equal(acknowledged, await second.RowsAsync("otel_traces", CancellationToken.None));
            Assert.Equal(HttpStatusCode.OK, (await second.Api.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("/nonexistent/libchdb.so", "is not at /nonexistent/libchdb.so")]
    [InlineData("/etc/hostname", "could not be loaded")]
    public async Task A_missing_or_broken_engine_library_names_the_command_that_fetches_it(string library, string problem)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { typeof(ServerProcess).Assembly.Location, "up", "--data", Path.GetTempPath() })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["OBSERVE_Store__ChdbLibrary"] = library;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, process.ExitCode);
        var message = await stderr;
        Assert.Contains(problem, message);
        Assert.Contains("./observe fetch-chdb", message);
    }

    [Fact]
    public async Task A_store_that_comes_up_after_observe_is_waited_for()
    {
        var bridge = new ClickHouseHttpBridge(EmbeddedEngine.Shared, Loopback.FreePort());
        await using var _ = bridge;
        var environment = new Dictionary<string, string>
        {
            ["OBSERVE_Store__Url"] = bridge.Url,
            ["OBSERVE_Store__Database"] = EmbeddedEngine.NewDatabase("late"),
        };
        // The server starts while nothing listens at the store's address; the store appears a moment later.
        var starting = ServerProcess.StartAsync(CancellationToken.None, environment: environment);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(starting.IsCompleted);
        await bridge.StartAsync();
        await using var server = await starting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await server.Api.GetAsync("/readyz")).StatusCode);
    }
}
