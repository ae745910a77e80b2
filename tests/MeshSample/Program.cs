// One service of a small traced mesh. It is instrumented only with what .NET 10 and the
// OpenTelemetry SDK provide, no instrumentation packages: ASP.NET Core's own "Microsoft.AspNetCore"
// activities are the server spans, HttpClient's "System.Net.Http" activities the client spans (and
// HttpClient writes the W3C traceparent header itself), and a database call is a client span of
// this program's own source, as a database driver's instrumentation would record it.
//
//   dotnet MeshSample.dll --name checkout --port 0 --otlp http://127.0.0.1:4317
//       --namespace shop --version v2 --zone zone-b
//       --calls http://127.0.0.1:5001/work --database orders
//
// GET /work calls every --calls URL in turn, then queries --database, and answers 200.
// POST /flush exports every span that has ended (the test's way to skip the batch timer).
// Once listening it prints "listening on http://127.0.0.1:PORT" on stdout.
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using MeshSample;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

if (args is ["--help" or "-h"])
{
    Console.WriteLine(SampleOptions.Usage);
    return 0;
}
SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n{SampleOptions.Usage}");
    return 2;
}

using var tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(ResourceBuilder.CreateDefault()
        .AddService(options.Name, serviceNamespace: options.Namespace, serviceVersion: options.Version)
        .AddAttributes([
            // What the Kubernetes and cloud resource detectors would add in a pod.
            new("k8s.namespace.name", options.Namespace),
            new("cloud.availability_zone", options.Zone),
        ]))
    .AddSource("Microsoft.AspNetCore", "System.Net.Http", Database.SourceName)
    .AddOtlpExporter(exporter =>
    {
        exporter.Endpoint = options.Otlp;
        exporter.Protocol = options.Protocol;
        // Short enough that spans ending after a flush still leave within moments.
        exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 200;
    })
    .Build();

// Its own folder as content root, whatever the working directory: no other app's appsettings.json.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
var app = builder.Build();
using var http = new HttpClient();

// ASP.NET Core 10 tags its request activity as the request starts (method, url.path, server.address
// and port, with the switch in MeshSample.csproj) but not with the outcome; .NET 11 does. Until
// then this adds the outcome, as the HTTP server span conventions ask, to the framework's own span.
app.Use(async (context, next) =>
{
    var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
    // An exception that gets out of here is answered 500 by the server.
    var status = StatusCodes.Status500InternalServerError;
    try
    {
        await next(context);
        status = context.Response.StatusCode;
    }
    catch (Exception e)
    {
        activity?.SetTag("error.type", e.GetType().FullName);
        throw;
    }
    finally
    {
        activity?.SetTag("http.response.status_code", status);
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
        {
            activity?.SetTag("http.route", route);
        }
        if (status >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }
    }
});

app.MapGet("/work", async (CancellationToken cancel) =>
{
    foreach (var call in options.Calls)
    {
        using var response = await http.GetAsync(call, cancel);
        if (!response.IsSuccessStatusCode)
        {
            return Results.Text($"{options.Name}: {call} answered {(int)response.StatusCode}\n", statusCode: StatusCodes.Status502BadGateway);
        }
    }
    if (options.Database is { } database)
    {
        await Database.QueryAsync(database);
    }
    return Results.Text($"{options.Name} ok\n");
});

app.MapPost("/flush", (HttpContext context) =>
{
    // This request is the test talking to the sample, not traffic of the mesh: its span is
    // dropped the way instrumentation filters drop one, so it never shows up as a call.
    if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
    {
        activity.IsAllDataRequested = false;
        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
    return tracing.ForceFlush(10_000) ? Results.Text("flushed\n") : Results.Text("flush timed out\n", statusCode: StatusCodes.Status504GatewayTimeout);
});

await app.StartAsync();
// With --port 0 the port is only known now; whoever started us reads it from this line.
Console.WriteLine($"listening on {app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()}");

if (options.StopWhenStdinCloses)
{
    // A test that starts us holds our stdin; when it goes away, even killed, so do we.
    _ = Task.Run(() =>
    {
        Console.In.ReadToEnd();
        app.Lifetime.StopApplication();
    });
}

await app.WaitForShutdownAsync();
// Every request has finished: what they recorded leaves before the process does.
tracing.ForceFlush(10_000);
return 0;
