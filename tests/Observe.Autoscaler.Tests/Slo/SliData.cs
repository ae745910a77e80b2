using Observe.Autoscaler.Slo;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Store.Slo;

namespace Observe.Autoscaler.Tests.Slo;

/// <summary>
/// A database of its own in the shared engine, with retention off so that requests of any date
/// (a past change to summer time) stay, and a way to add requests and wait for the SLI and
/// workload rollups.
/// </summary>
internal sealed class SliData
{
    private long _inserted;

    public SliData(string prefix)
    {
        Options = new StoreOptions { Database = EmbeddedEngine.NewDatabase(prefix) };
        Options.Retention.MeshRequests = TimeSpan.Zero;
        Options.Retention.Rollups = TimeSpan.Zero;
    }

    public StoreOptions Options { get; }

    public IClickHouseTransport Store => EmbeddedEngine.Shared;

    public string Database => Options.Database;

    public Task MigrateAsync() => ClickHouseStore.MigrateAsync(Store, Options);

    public static MeshPeer Workload(string service, string version = "v1", string ns = "shop") => new($"{service}-{version}", ns, service, version, "c1", "zone-a");

    /// <summary>Adds <paramref name="count"/> requests to <paramref name="destination"/> at <paramref name="at"/>.</summary>
    public async Task AddAsync(DateTimeOffset at, int count, MeshPeer destination, ushort status = 200, double millis = 10,
        MeshOrigin origin = MeshOrigin.AccessLog, string path = "/api/items", string protocol = "http/1.1", short grpcStatus = -1)
    {
        using var w = new RowBinaryWriter();
        for (var i = 0; i < count; i++)
        {
            MeshRequestRows.Write(w, new MeshRequest(at, new MeshPeer("front"), destination, MeshReporter.Destination, origin, protocol, "GET",
                destination.Service, path, status, grpcStatus, [], TimeSpan.FromMilliseconds(millis), 10, 10, true, status >= 500 || grpcStatus > 0));
        }
        await Store.InsertRowBinaryAsync($"`{Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
        _inserted += count;
        // The rollups' views write as the insert does; wait until every SLI and workload rollup shows every request.
        var expected = _inserted;
        var tables = SloSchema.SliRollups.Select(r => r.Table).Concat(MeshSchema.WorkloadRollups.Select(r => r.Table));
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            foreach (var table in tables)
            {
                var row = await Store.QueryRowAsync($"SELECT sum(Requests) FROM `{Database}`.{table}");
                if (TabSeparated.Long(row[0]) != expected)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(30)), "the SLI and workload rollups did not show the inserted requests");
    }

    public static RequestQuery Query(string? service = null, RequestCondition? condition = null, RequestSource source = RequestSource.Auto) =>
        new(new RequestSelector(source, Service: service), condition ?? RequestCondition.All);

    public static RequestCondition Status(params string[] classes) => RequestCondition.All with
    {
        Statuses = [.. classes.Select(c => c.EndsWith("xx", StringComparison.Ordinal)
            ? new StatusMatch(int.Parse(c[..1], System.Globalization.CultureInfo.InvariantCulture) * 100, int.Parse(c[..1], System.Globalization.CultureInfo.InvariantCulture) * 100 + 99)
            : new StatusMatch(int.Parse(c, System.Globalization.CultureInfo.InvariantCulture), int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)))],
    };

    /// <summary>An SLO on the requests to <paramref name="service"/>; bad = 5xx unless told otherwise.</summary>
    public static SloDefinition Define(string name, string service, double target, SloWindow? window = null,
        Indicator? indicator = null, BudgetingMethod budgeting = BudgetingMethod.Occurrences, SloObjective? objective = null,
        IReadOnlyList<BurnRateCondition>? alerts = null)
    {
        window ??= SloWindow.Rolling(TimeSpan.FromDays(30));
        indicator ??= new RatioIndicator(null, Query(service), Query(service, Status("5xx")), CountsBad: true);
        return new SloDefinition(name, null, null, service, indicator, [objective ?? new SloObjective("0", target)], window, budgeting,
            alerts ?? BurnRateDefaults.For(window), SloFormat.OpenSlo, new SourceLocation("test.yaml", 1, 1));
    }
}
