namespace Observe.Collector.Demo;

/// <summary>Where a call lands: a pod of a workload in a zone (null pod: the zone had none Ready).</summary>
internal sealed record Station(DemoWorkload Workload, string Zone, SimulatedPod? Pod);

/// <summary>
/// One hop of a generated request: the caller (null: a user outside the mesh) calls the callee
/// (null: the database). Spans: the caller's client span <see cref="ClientSpanId"/> under the
/// caller's server span <see cref="ParentSpanId"/>, and the callee's server span
/// <see cref="ServerSpanId"/> under it.
/// </summary>
/// <param name="RequestId">This hop's request id, shared by the reports of its two proxies.</param>
/// <param name="Flags">Envoy response flags (e.g. <c>UO</c> overflow), empty when none.</param>
internal sealed record DemoCall(
    string RequestId,
    string TraceId,
    string ClientSpanId,
    string ServerSpanId,
    string? ParentSpanId,
    Station? Caller,
    Station? Callee,
    DateTimeOffset Start,
    TimeSpan Duration,
    int Status,
    string Flags,
    bool Sampled,
    IReadOnlyList<DemoCall> Children)
{
    public bool Failed => Status >= 500;

    public IEnumerable<DemoCall> SelfAndDescendants() => Children.SelectMany(c => c.SelfAndDescendants()).Prepend(this);
}
