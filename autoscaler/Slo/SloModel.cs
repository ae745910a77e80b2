namespace Observe.Autoscaler.Slo;

/// <summary>
/// One service level objective, whichever format it was written in (OpenSLO v1 or Alibaba Cloud
/// Service Mesh): what requests count, what makes one good, the target, the period the error
/// budget covers and the burn-rate conditions that alert on it.
/// </summary>
/// <param name="Name">metadata.name; unique within a set of documents.</param>
/// <param name="Objectives">At least one. Each objective has its own target and its own budget.</param>
public sealed record SloDefinition(
    string Name,
    string? DisplayName,
    string? Description,
    string Service,
    Indicator Indicator,
    IReadOnlyList<SloObjective> Objectives,
    SloWindow Window,
    BudgetingMethod Budgeting,
    IReadOnlyList<BurnRateCondition> Alerts,
    SloFormat Format,
    SourceLocation Location);

public enum SloFormat { OpenSlo, AlibabaAsm }

public enum BudgetingMethod { Occurrences, Timeslices }

/// <summary>Where a document or a value was written; lines and columns count from 1.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <param name="Name">The objective's name, or its display name, or its index ("0") when it has neither.</param>
/// <param name="Target">Share of good events (or good slices) the objective asks for, in (0, 1).</param>
/// <param name="Op">Threshold indicators only: how a slice's value must compare to <paramref name="Value"/> to be good.</param>
/// <param name="TimeSliceTarget">Timeslices budgeting with a ratio indicator: the SLI a slice needs to count as good.</param>
/// <param name="TimeSliceWindow">Timeslices budgeting: the length of one slice (a whole number of minutes).</param>
public sealed record SloObjective(
    string Name,
    double Target,
    ComparisonOp? Op = null,
    double? Value = null,
    double? TimeSliceTarget = null,
    TimeSpan? TimeSliceWindow = null);

public enum ComparisonOp { Lt, Lte, Gt, Gte }

/// <summary>
/// The period an error budget covers. Rolling: the trailing <see cref="Duration"/>. Calendar:
/// consecutive periods of <see cref="Count"/> × <see cref="Unit"/> starting at
/// <see cref="CalendarStart"/> (a local time) in <see cref="TimeZone"/>, so a calendar day in a
/// zone that changes to summer time lasts 23 hours.
/// </summary>
public sealed record SloWindow(
    bool IsRolling,
    TimeSpan Duration,
    CalendarUnit Unit = CalendarUnit.Day,
    int Count = 1,
    DateTime? CalendarStart = null,
    TimeZoneInfo? TimeZone = null)
{
    public static SloWindow Rolling(TimeSpan duration) => new(true, duration);

    /// <summary>The length budgets and alert windows are sized by: a calendar month counts 30 days, a quarter 90, a year 365.</summary>
    public TimeSpan NominalLength => IsRolling ? Duration : Reading.Durations.Nominal(Unit) * Count;
}

public enum CalendarUnit { Minute, Hour, Day, Week, Month, Quarter, Year }

/// <summary>
/// A multiwindow burn-rate alert (SRE workbook, chapter 5): it fires while the burn rate over
/// both the long and the short window is at least <see cref="Threshold"/>, once that has held
/// for <see cref="AlertAfter"/>.
/// </summary>
/// <param name="Severity">Free text as written (OpenSLO); the defaults use "page" and "ticket".</param>
public sealed record BurnRateCondition(string Name, string Severity, double Threshold, TimeSpan LongWindow, TimeSpan ShortWindow, TimeSpan AlertAfter);

/// <summary>How an SLO counts: a ratio of requests, or a metric of the requests compared per slice.</summary>
public abstract record Indicator(string? Name);

/// <summary>
/// good / total, from counts of requests. <see cref="Counted"/> selects the good requests, or the
/// bad ones when <see cref="CountsBad"/>; either way it is counted among <see cref="Total"/>'s.
/// </summary>
public sealed record RatioIndicator(string? Name, RequestQuery Total, RequestQuery Counted, bool CountsBad) : Indicator(Name);

/// <summary>
/// A value per slice (a latency quantile, the error ratio or the request rate of the selected
/// requests), good when it compares to the objective's value as the objective's op says.
/// </summary>
public sealed record ThresholdIndicator(string? Name, RequestQuery Requests, ThresholdMetric Metric, double Quantile = 0.99) : Indicator(Name);

/// <param name="LatencyMillis">Latency: milliseconds at the quantile. ErrorRatio: share of requests the query's status condition matches (default 5xx). RequestRate: requests per second.</param>
public enum ThresholdMetric { LatencyMillis, ErrorRatio, RequestRate }

/// <summary>Which requests, and which of them count (by status and latency).</summary>
/// <param name="Location">Where the query's metricSource spec was written, for findings about it.</param>
public sealed record RequestQuery(RequestSelector Selector, RequestCondition Condition, SourceLocation? Location = null);

/// <summary>
/// Selects requests by their destination. Every field is a glob (<c>*</c> any run of characters,
/// <c>?</c> one) matched against the whole value; null matches anything.
/// </summary>
/// <param name="Route">The HTTP path without query string, numeric and id-like segments written <c>{id}</c>.</param>
/// <param name="Operation">The gRPC method as <c>package.Service/Method</c>.</param>
public sealed record RequestSelector(
    RequestSource Source = RequestSource.Auto,
    string? Namespace = null,
    string? Service = null,
    string? Workload = null,
    string? Version = null,
    string? Route = null,
    string? Method = null,
    string? Operation = null)
{
    public static RequestSelector Any { get; } = new();
}

/// <summary>Auto prefers the proxies' record of a workload's requests where there is one, and uses spans otherwise.</summary>
public enum RequestSource { Auto, Mesh, Spans }

/// <summary>
/// Which of the selected requests count. A request matches when its HTTP status is in one of
/// <see cref="Statuses"/> (when given) or its gRPC status in <see cref="GrpcStatuses"/> (when
/// given), and it took at most <see cref="LatencyAtMost"/> (or more than
/// <see cref="LatencyAbove"/>). No condition matches every request.
/// </summary>
public sealed record RequestCondition(
    IReadOnlyList<StatusMatch> Statuses,
    IReadOnlyList<int> GrpcStatuses,
    TimeSpan? LatencyAtMost = null,
    TimeSpan? LatencyAbove = null)
{
    public static RequestCondition All { get; } = new([], []);

    public bool MatchesEverything => Statuses.Count == 0 && GrpcStatuses.Count == 0 && LatencyAtMost is null && LatencyAbove is null;
}

/// <summary>An HTTP status code (<c>429</c>) or class (<c>5xx</c>): codes From..To inclusive.</summary>
public sealed record StatusMatch(int From, int To)
{
    public bool Matches(int code) => code >= From && code <= To;

    public override string ToString() => From == To ? From.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{From / 100}xx";
}

public enum FindingSeverity { Warning, Error }

/// <summary>A problem in an SLO document: where, and what to write instead.</summary>
public sealed record Finding(FindingSeverity Severity, SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {(Severity == FindingSeverity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>What reading a set of documents gave: the SLOs and scaling policies that are valid, and every finding.</summary>
public sealed record SloDocumentSet(IReadOnlyList<SloDefinition> Slos, IReadOnlyList<Finding> Findings)
{
    public IReadOnlyList<Scaling.ScalingPolicy> Policies { get; init; } = [];

    public bool HasErrors => Findings.Any(f => f.Severity == FindingSeverity.Error);
}
