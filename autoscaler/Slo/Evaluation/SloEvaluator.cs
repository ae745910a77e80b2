using Observe.Store;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>
/// Evaluates a set of SLOs at an instant from the SLI rollups: the SLI over each period, the
/// error budget, burn rates over the alert windows and the multiwindow alert states. One query
/// answers every occurrences objective; timeslices objectives keep a ledger of closed slices.
/// Windows end at the end of the current minute, so the minute in progress counts as far as it goes.
/// </summary>
public sealed class SloEvaluator
{
    private readonly SliReader _reader;
    private readonly TimeSpan _settle;
    private readonly TimeSpan _coldReadBudget;
    private readonly bool _forgetUnlisted;
    private readonly Dictionary<(string, string), SliceLedger> _ledgers = [];
    private readonly Dictionary<(string, string), AlertMemory> _alerts = [];

    // Matchers compile their globs to regular expressions: built once per query of a loaded
    // definition, not on every pass; a definition that is dropped takes its matchers with it.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RequestQuery, RequestMatcher> _matchers = [];

    /// <param name="settle">How long after a slice closes its data may still change (late spans, pairing lag): such slices are recomputed.</param>
    /// <param name="coldReadBudget">
    /// Work one pass may spend filling new slice ledgers (a period of minutes each) after the first:
    /// the rest wait for later passes, so a restart with many timeslices SLOs does not hold up the others.
    /// </param>
    /// <param name="forgetUnlisted">
    /// Whether a pass lists every defined SLO, so that one it leaves out is gone and forgets its
    /// state (the SLO files' evaluation). The controller's policy loops each pass their own few
    /// SLOs through one evaluator: there, leaving one out says nothing, and forgetting would wipe
    /// the other loops' alert memory and slice ledgers on every tick.
    /// </param>
    public SloEvaluator(IClickHouseTransport store, string database, TimeSpan? settle = null, TimeSpan? coldReadBudget = null, bool forgetUnlisted = true)
    {
        _forgetUnlisted = forgetUnlisted;
        _reader = new SliReader(store, database);
        _settle = settle ?? TimeSpan.FromMinutes(2);
        _coldReadBudget = coldReadBudget ?? TimeSpan.FromSeconds(2);
    }

    public async Task<IReadOnlyList<SloEvaluation>> EvaluateAsync(IReadOnlyList<SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var end = CeilingMinute(now);
        var plans = slos.SelectMany(s => s.Objectives.Select(o => new Plan(s, o, end, Matcher))).ToList();

        var occurrences = plans.Where(p => !p.BySlice).ToList();
        var ratioCounts = await CountOccurrencesAsync(occurrences, end, cancellationToken).ConfigureAwait(false);
        var sliced = plans.Where(p => p.BySlice).ToList();
        var filling = await FillLedgersAsync(sliced, now, cancellationToken).ConfigureAwait(false);

        var results = new List<SloEvaluation>(plans.Count);
        foreach (var plan in plans)
        {
            if (filling.Contains(plan.Id))
            {
                continue;
            }
            Func<DateTimeOffset, WindowCounts> counts = plan.BySlice
                ? _ledgers[plan.Id].Since
                : ratioCounts[plan.Slo.Name];
            results.Add(Evaluate(plan, counts, now));
        }
        if (!_forgetUnlisted)
        {
            return results;
        }
        // SLOs no longer defined forget their state.
        var live = plans.Select(p => p.Id).ToHashSet();
        foreach (var stale in _ledgers.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _ledgers.Remove(stale);
        }
        foreach (var stale in _alerts.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _alerts.Remove(stale);
        }
        return results;
    }

    /// <summary>Resumes alert states recorded before a restart, so that "since" survives it.</summary>
    public void Resume(string slo, string objective, string state, DateTimeOffset since) =>
        _alerts[(slo, objective)] = new AlertMemory { State = state, Since = since };

    private SloEvaluation Evaluate(Plan plan, Func<DateTimeOffset, WindowCounts> counts, DateTimeOffset now)
    {
        var objective = plan.Objective;
        var period = counts(plan.Period.Start);
        var budget = BudgetArithmetic.Budget(period, objective.Target, plan.Slo.Budgeting, plan.Period.Length, plan.Slice);
        var burns = plan.Slo.Alerts.SelectMany(a => new[] { a.LongWindow, a.ShortWindow }).Distinct().Order()
            .Select(w => new BurnRate(w, BudgetArithmetic.BurnRate(counts(plan.End - w), objective.Target)))
            .ToList();
        double? Burn(TimeSpan w) => burns.First(b => b.Window == w).Rate;

        if (!_alerts.TryGetValue(plan.Id, out var memory))
        {
            _alerts[plan.Id] = memory = new AlertMemory { State = AlertStatus.Ok, Since = now };
        }
        var conditions = new List<AlertConditionStatus>();
        foreach (var condition in plan.Slo.Alerts)
        {
            var (longBurn, shortBurn) = (Burn(condition.LongWindow), Burn(condition.ShortWindow));
            var over = longBurn >= condition.Threshold && shortBurn >= condition.Threshold;
            DateTimeOffset? since = null;
            if (over)
            {
                since = memory.ConditionSince.TryGetValue(condition.Name, out var s) ? s : now;
                memory.ConditionSince[condition.Name] = since.Value;
            }
            else
            {
                memory.ConditionSince.Remove(condition.Name);
            }
            conditions.Add(new(condition, longBurn, shortBurn, over && now - since >= condition.AlertAfter, since));
        }
        var state = conditions.Where(c => c.Firing).OrderByDescending(c => c.Condition.Threshold).Select(c => c.Condition.Severity).FirstOrDefault() ?? AlertStatus.Ok;
        if (state != memory.State)
        {
            memory.State = state;
            memory.Since = now;
        }
        return new SloEvaluation(plan.Slo.Name, objective.Name, plan.Slo.Service, now, plan.Slo.Budgeting, plan.Period, objective.Target,
            (long)Math.Round(period.Good), (long)Math.Round(period.Total), period.Sli, budget, burns, new AlertStatus(memory.State, memory.Since, conditions));
    }

    /// <summary>One read for every occurrences objective: counts per segment between all the window starts they need.</summary>
    private async Task<Dictionary<string, Func<DateTimeOffset, WindowCounts>>> CountOccurrencesAsync(List<Plan> plans, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var bounds = plans.SelectMany(p => p.Starts).Distinct().Order().ToList();
        var view = new SeriesView(await _reader.SegmentsAsync(bounds, end, cancellationToken).ConfigureAwait(false));
        var bySlo = new Dictionary<string, Func<DateTimeOffset, WindowCounts>>(StringComparer.Ordinal);
        foreach (var plan in plans)
        {
            if (bySlo.ContainsKey(plan.Slo.Name) || plan.Slo.Indicator is not RatioIndicator ratio)
            {
                continue;
            }
            var (total, counted) = (plan.Matchers[0], plan.Matchers[1]);
            var perSegment = new WindowCounts[bounds.Count];
            foreach (var (segment, key, c) in view.Selected(total, counted))
            {
                var t = total.Selects(key) ? c.Requests : 0;
                var n = counted.Selects(key) ? counted.Count(key, c) : 0;
                perSegment[segment] += new WindowCounts(n, t);
            }
            // Suffix sums: the window from bound i to the end is segments i and after.
            var suffix = new WindowCounts[bounds.Count + 1];
            for (var i = bounds.Count - 1; i >= 0; i--)
            {
                suffix[i] = suffix[i + 1] + perSegment[i];
            }
            bySlo[plan.Slo.Name] = from =>
            {
                var c = suffix[bounds.BinarySearch(from)];
                var good = ratio.CountsBad ? c.Total - c.Good : c.Good;
                return new WindowCounts(Math.Clamp(good, 0, c.Total), c.Total);
            };
        }
        return bySlo;
    }

    /// <summary>
    /// Brings every timeslices ledger up to the last closed slice: a new ledger is filled from the
    /// period's start with a read of its own series; then one read of the last minutes, for all,
    /// recomputes the slices that may still change.
    /// </summary>
    /// <returns>The objectives whose ledger is not filled yet (left out of this pass's results).</returns>
    private async Task<HashSet<(string, string)>> FillLedgersAsync(List<Plan> plans, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filling = new HashSet<(string, string)>();
        if (plans.Count == 0)
        {
            return filling;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var coldReads = 0;
        var recent = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var plan in plans)
        {
            if (!_ledgers.TryGetValue(plan.Id, out var ledger) || !ledger.Definition.Equals(plan.Slo) || ledger.Slice != plan.Slice)
            {
                _ledgers[plan.Id] = ledger = new SliceLedger(plan.Slo, plan.Slice!.Value);
            }
            var slice = ledger.Slice;
            var first = plan.Align(plan.Period.Start, up: true);
            var closed = plan.Align(now, up: false);
            var settled = closed - (Math.Ceiling(_settle / slice) + 1) * slice;
            // What was still unsettled at the last pass is read again, however long ago that was.
            var recompute = ledger.SettledBefore is { } before && before < settled ? before : settled;
            recent[plan.Id] = recompute < first ? first : recompute;
            ledger.SettledBefore = settled;
            if (ledger.CoveredFrom is not { } covered || covered > first)
            {
                if (coldReads > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(started) > _coldReadBudget)
                {
                    filling.Add(plan.Id);
                    continue;
                }
                coldReads++;
                var from = first;
                var to = recent[plan.Id];
                if (to > from)
                {
                    var matcher = plan.Matchers[0];
                    var read = await _reader.SlicesAsync(from, to, TimeSpan.FromMinutes(1), plan.OneSelector ? matcher : null, plan.NeedsLatency, cancellationToken).ConfigureAwait(false);
                    Apply(plan, ledger, new SeriesView(read), from, to);
                }
                ledger.CoveredFrom = first;
            }
            ledger.DropBefore(first);
        }
        var batchFrom = recent.Values.Min();
        var batchTo = FloorMinute(now);
        if (batchTo > batchFrom)
        {
            var view = new SeriesView(await _reader.SlicesAsync(batchFrom, batchTo, TimeSpan.FromMinutes(1), null, plans.Any(p => p.NeedsLatency), cancellationToken).ConfigureAwait(false));
            foreach (var plan in plans)
            {
                Apply(plan, _ledgers[plan.Id], view, batchFrom, plan.Align(now, up: false), recent[plan.Id]);
            }
        }
        return filling;
    }

    /// <summary>Sets the outcome of each slice in [<paramref name="from"/>, <paramref name="to"/>) from minute rows read from <paramref name="minutesFrom"/>.</summary>
    private static void Apply(Plan plan, SliceLedger ledger, SeriesView view, DateTimeOffset minutesFrom, DateTimeOffset to, DateTimeOffset? from = null)
    {
        var start = from ?? minutesFrom;
        var slices = new Dictionary<DateTimeOffset, SliceTally>();
        var (first, second) = (plan.Matchers[0], plan.Matchers.Count > 1 ? plan.Matchers[1] : null);
        foreach (var (minute, key, counts) in view.Selected(first, second))
        {
            var at = minutesFrom + TimeSpan.FromMinutes(minute);
            if (at < start || at >= to)
            {
                continue;
            }
            var sliceStart = plan.Align(at, up: false);
            if (!slices.TryGetValue(sliceStart, out var tally))
            {
                slices[sliceStart] = tally = new SliceTally();
            }
            tally.Add(plan, key, counts);
        }
        for (var s = start; s < to; s += ledger.Slice)
        {
            ledger.Set(s, slices.TryGetValue(s, out var tally) ? tally.IsGood(plan) : plan.GoodWithoutTraffic);
        }
    }

    /// <summary>
    /// The matcher of a query. An error-ratio threshold with no status condition counts 5xx, so its
    /// query is read as that; the definition's own query stays the key.
    /// </summary>
    private RequestMatcher Matcher(RequestQuery query, bool serverErrorsByDefault) => _matchers.GetValue(query, q => new RequestMatcher(
        serverErrorsByDefault && q.Condition.MatchesEverything ? q with { Condition = RequestCondition.All with { Statuses = [new StatusMatch(500, 599)] } } : q));

    private static DateTimeOffset FloorMinute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static DateTimeOffset CeilingMinute(DateTimeOffset t)
    {
        var floor = FloorMinute(t);
        return floor == t ? floor : floor.AddMinutes(1);
    }

    /// <summary>What one objective needs from a pass: its period, window starts and slice layout.</summary>
    private sealed class Plan
    {
        public Plan(SloDefinition slo, SloObjective objective, DateTimeOffset end, Func<RequestQuery, bool, RequestMatcher> matcher)
        {
            Slo = slo;
            Objective = objective;
            End = end;
            Period = slo.Window.IsRolling ? SloPeriod.At(slo.Window, end) : SloPeriod.At(slo.Window, end.AddTicks(-1));
            BySlice = slo.Budgeting == BudgetingMethod.Timeslices || slo.Indicator is ThresholdIndicator;
            Slice = BySlice ? objective.TimeSliceWindow ?? TimeSpan.FromMinutes(1) : null;
            Starts = [Period.Start, .. slo.Alerts.SelectMany(a => new[] { end - a.LongWindow, end - a.ShortWindow })];
            Matchers = slo.Indicator switch
            {
                RatioIndicator r => [matcher(r.Total, false), matcher(r.Counted, false)],
                ThresholdIndicator t => [matcher(t.Requests, t.Metric == ThresholdMetric.ErrorRatio)],
                _ => throw new InvalidOperationException($"unknown indicator {slo.Indicator.GetType().Name}"),
            };
            OneSelector = slo.Indicator is not RatioIndicator ratio || ratio.Total.Selector == ratio.Counted.Selector;
        }

        public SloDefinition Slo { get; }

        public SloObjective Objective { get; }

        public (string, string) Id => (Slo.Name, Objective.Name);

        public DateTimeOffset End { get; }

        public SloPeriod Period { get; }

        public bool BySlice { get; }

        public TimeSpan? Slice { get; }

        public IReadOnlyList<DateTimeOffset> Starts { get; }

        public IReadOnlyList<RequestMatcher> Matchers { get; }

        public bool OneSelector { get; }

        /// <summary>Whether counting needs the latency histogram: a latency condition or a latency metric.</summary>
        public bool NeedsLatency => Slo.Indicator switch
        {
            RatioIndicator r => HasLatency(r.Total.Condition) || HasLatency(r.Counted.Condition),
            ThresholdIndicator t => t.Metric == ThresholdMetric.LatencyMillis || HasLatency(t.Requests.Condition),
            _ => true,
        };

        private static bool HasLatency(RequestCondition c) => c.LatencyAtMost is not null || c.LatencyAbove is not null;

        /// <summary>Request rate is defined without traffic (zero); other slices without traffic have no outcome.</summary>
        public bool? GoodWithoutTraffic => Slo.Indicator is ThresholdIndicator { Metric: ThresholdMetric.RequestRate } ? Compare(0) : null;

        /// <summary>Slices are aligned to the period's start for calendar windows, to the epoch for rolling ones.</summary>
        public DateTimeOffset Align(DateTimeOffset t, bool up)
        {
            var origin = Slo.Window.IsRolling ? DateTimeOffset.UnixEpoch : Period.Start;
            var n = (t - origin) / Slice!.Value;
            var whole = up ? Math.Ceiling(n) : Math.Floor(n);
            return origin + (whole * Slice.Value);
        }

        public bool Compare(double value) => Objective.Op switch
        {
            ComparisonOp.Lt => value < Objective.Value,
            ComparisonOp.Lte => value <= Objective.Value,
            ComparisonOp.Gt => value > Objective.Value,
            ComparisonOp.Gte => value >= Objective.Value,
            _ => false,
        };
    }

    /// <summary>The requests of one slice, summed over the objective's series.</summary>
    private sealed class SliceTally
    {
        private double _total;
        private double _counted;
        private SeriesCounts _latency = SeriesCounts.Empty;

        public void Add(Plan plan, SeriesKey key, SeriesCounts counts)
        {
            var (first, second) = (plan.Matchers[0], plan.Matchers.Count > 1 ? plan.Matchers[1] : null);
            if (second is null)
            {
                // A threshold indicator: one query; its condition picks the requests the metric is about.
                _total += counts.Requests;
                _counted += first.Count(key, counts);
                if (first.StatusMatches(key))
                {
                    _latency = _latency.Plus(counts);
                }
                return;
            }
            if (first.Selects(key))
            {
                _total += counts.Requests;
            }
            if (second.Selects(key))
            {
                _counted += second.Count(key, counts);
            }
        }

        public bool? IsGood(Plan plan)
        {
            switch (plan.Slo.Indicator)
            {
                case RatioIndicator ratio:
                    if (_total <= 0)
                    {
                        return null;
                    }
                    var good = ratio.CountsBad ? _total - _counted : _counted;
                    return good / _total >= (plan.Objective.TimeSliceTarget ?? plan.Objective.Target);
                case ThresholdIndicator threshold:
                    double? value = threshold.Metric switch
                    {
                        ThresholdMetric.LatencyMillis => _latency.QuantileMillis(threshold.Quantile),
                        ThresholdMetric.ErrorRatio => _total > 0 ? _counted / _total : null,
                        _ => _counted / plan.Slice!.Value.TotalSeconds,
                    };
                    return value is { } v ? plan.Compare(v) : null;
                default:
                    return null;
            }
        }
    }

    private sealed class AlertMemory
    {
        public required string State { get; set; }

        public DateTimeOffset Since { get; set; }

        public Dictionary<string, DateTimeOffset> ConditionSince { get; } = new(StringComparer.Ordinal);
    }
}
