using System.Text.RegularExpressions;

namespace Observe.Topology.Graph;

/// <summary>Error counts of traffic, by protocol family, that health is judged on.</summary>
internal readonly record struct ErrorCounts(long HttpRequests, long ServerErrors, long ClientErrors, long GrpcRequests, long GrpcFailures)
{
    public ErrorCounts Add(ErrorCounts o) => new(HttpRequests + o.HttpRequests, ServerErrors + o.ServerErrors, ClientErrors + o.ClientErrors,
        GrpcRequests + o.GrpcRequests, GrpcFailures + o.GrpcFailures);

    /// <summary>gRPC traffic is judged on every failure (non-OK status, 5xx, reset); HTTP and TCP on 5xx and 4xx.</summary>
    public static ErrorCounts Of(string protocol, long requests, long errors, long serverErrors, long clientErrors) =>
        protocol == "grpc" ? new(0, 0, 0, requests, errors) : new(requests, serverErrors, clientErrors, 0, 0);
}

/// <summary>Judges health from error counts with the thresholds that apply to a node.</summary>
internal sealed class Health(HealthOptions options)
{
    private readonly (Regex? Namespace, Regex? Name, HealthRule Rule)[] _rules =
        [.. options.Rules.Select(r => (Anchored(r.Namespace), Anchored(r.Name), r))];

    public HealthState Judge(ErrorCounts counts, string ns, string name)
    {
        var rule = _rules.FirstOrDefault(r => (r.Namespace?.IsMatch(ns) ?? true) && (r.Name?.IsMatch(name) ?? true)).Rule;
        var http5xx = rule?.Http5xx ?? options.Http5xx!;
        var http4xx = rule?.Http4xx ?? options.Http4xx!;
        var grpc = rule?.Grpc ?? options.Grpc!;
        var worst = Max(
            http5xx.Judge(counts.ServerErrors, counts.HttpRequests),
            http4xx.Judge(counts.ClientErrors, counts.HttpRequests));
        return Max(worst, grpc.Judge(counts.GrpcFailures, counts.GrpcRequests));
    }

    private static HealthState Max(HealthState a, HealthState b) => (HealthState)Math.Max((int)a, (int)b);

    private static Regex? Anchored(string pattern) =>
        pattern.Length == 0 ? null : new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
