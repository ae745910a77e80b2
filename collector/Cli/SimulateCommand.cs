using System.CommandLine;
using System.Globalization;
using System.CommandLine.Invocation;
using Observe.Autoscaler.Simulation.Traces;
using Observe.Collector.Simulate;

namespace Observe.Collector.Cli;

/// <summary>
/// <c>observe simulate</c>: a request-rate trace replayed against a model of a workload under
/// Observe's scaler and the baselines, compared in a table, as JSON, and in a report folder.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var options = new Options();
        var command = new Command("simulate", "Replay a request-rate trace under Observe's scaler, the HPA, the Knative KPA and an oracle; compare SLO attainment and replica-hours. Exit 2 on bad input.");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }
        command.Action = new SimulateAction(options);
        return command;
    }

    private sealed class Options
    {
        public Option<string?> Trace { get; } = new("--trace") { HelpName = "FILE", Description = "A trace file: CSV with a header and time,count rows a second or a minute apart, or whitespace-separated counts per second" };
        public Option<string?> Case { get; } = new("--case") { HelpName = "NAME", Description = $"A generated case instead of a trace: {string.Join(", ", GeneratedCases.Names)}, or {GeneratedCases.All}" };
        public Option<string?> Policy { get; } = new("--policy") { HelpName = "FILE", Description = "A file with one ScalingPolicy; its min and max replicas bound every scaler (required)" };
        public Option<int?> Scale { get; } = Number<int?>("--scale", "PEAK_REPLICAS", $"Scale the trace so that its peak needs this many replicas at 80 % of μ. Default: a trace file as written, a case {SimulateSettings.DefaultCaseScale}", null);
        public Option<string?> From { get; } = new("--from") { HelpName = "T", Description = "Start here: a time (1998-06-10 00:00:00, UTC, or RFC 3339) or an offset from the trace start (10d, 36h, 90m, 30s). Default: the trace start" };
        public Option<string?> To { get; } = new("--to") { HelpName = "T", Description = "End here, same forms as --from. Default: the trace end" };
        public Option<string> Baselines { get; } = new("--baselines") { HelpName = "LIST", Description = "Scalers compared with Observe's: some of hpa, kpa, oracle, or none", DefaultValueFactory = _ => SimulateSettings.DefaultBaselines };
        public Option<string?> Report { get; } = new("--report") { HelpName = "DIR", Description = "Write comparison.json, comparison.md, overview.svg and <policy>.svg into this directory (created when missing)" };
        public Option<bool> Json { get; } = new("--json") { Description = "Print the comparison as JSON instead of the table" };
        public Option<int> Seed { get; } = Number("--seed", "N", "Seeds the arrivals (the same for every scaler) and the noise of the diurnal case", 1);
        public Option<double> ServiceRate { get; } = Number("--service-rate", "MU", "μ: requests/s one warm pod completes when busy", 20.0);
        public Option<string> Latency { get; } = new("--latency") { HelpName = "D", Description = "The latency objective's threshold", DefaultValueFactory = _ => "1s" };
        public Option<double> Target { get; } = Number("--target", "PERCENT", "Percent of requests that must complete within --latency", 99.9);
        public Option<string?> StartupDelay { get; } = new("--startup-delay") { HelpName = "D", Description = "From asking for a pod to it being ready (e.g. 30s). Default: the policy's" };
        public Option<string?> Warmup { get; } = new("--warmup") { HelpName = "D", Description = "From ready to full capacity (e.g. 1m, or 0). Default: the policy's" };
        public Option<int> QueueLimit { get; } = Number("--queue-limit", "N", "Requests one pod holds; more are rejected (503)", 256);
        public Option<double> BaselineUtilisation { get; } = Number("--baseline-utilisation", "SHARE", "The HPA's and KPA's target per pod, as a share of μ", 0.7);

        /// <summary>A number option whose parse error reads as a sentence about the option, not about a .NET type.</summary>
        private static Option<T> Number<T>(string name, string helpName, string description, T fallback) => new(name)
        {
            HelpName = helpName,
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                var whole = typeof(T) == typeof(int) || typeof(T) == typeof(int?);
                if (whole && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                {
                    return (T)(object)i;
                }
                if (!whole && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    return (T)(object)d;
                }
                result.AddError($"{name} '{text}' is not {(whole ? "a whole number" : "a number")}");
                return fallback;
            },
        };

        public IEnumerable<Option> All =>
            [Trace, Case, Policy, Scale, From, To, Baselines, Report, Json, Seed, ServiceRate, Latency, Target, StartupDelay, Warmup, QueueLimit, BaselineUtilisation];

        public SimulateSettings.Raw Read(ParseResult parse) => new(
            parse.GetValue(Trace), parse.GetValue(Case), parse.GetValue(Policy), parse.GetValue(Scale), parse.GetValue(From), parse.GetValue(To),
            parse.GetValue(Baselines)!, parse.GetValue(Report), parse.GetValue(Json), parse.GetValue(Seed), parse.GetValue(ServiceRate), parse.GetValue(Latency)!,
            parse.GetValue(Target), parse.GetValue(StartupDelay), parse.GetValue(Warmup), parse.GetValue(QueueLimit), parse.GetValue(BaselineUtilisation));
    }

    /// <summary>
    /// Takes over the parse errors (an unreadable number, an unknown option) so that they exit 2
    /// like every other bad input of this command, instead of System.CommandLine's 1.
    /// </summary>
    private sealed class SimulateAction(Options options) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var (output, error) = (parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            if (parseResult.Errors.Count > 0 || parseResult.UnmatchedTokens.Count > 0)
            {
                foreach (var problem in parseResult.Errors)
                {
                    error.WriteLine($"observe: {problem.Message}");
                }
                foreach (var token in parseResult.UnmatchedTokens)
                {
                    error.WriteLine($"observe: unknown argument '{token}'; see observe simulate --help");
                }
                return Task.FromResult(SimulateRun.BadInput);
            }
            return SimulateRun.RunAsync(options.Read(parseResult), output, error, cancellationToken);
        }
    }
}
