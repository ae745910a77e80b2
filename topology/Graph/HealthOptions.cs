using System.Text.RegularExpressions;

namespace Observe.Topology.Graph;

/// <summary>Error-ratio thresholds of one error class, in percent of requests.</summary>
/// <remarks>
/// Degraded from <see cref="Degraded"/> percent on (and above zero, so a threshold of 0 means
/// "any error"); failing above <see cref="Failing"/> percent.
/// </remarks>
public sealed class ErrorThreshold
{
    public double Degraded { get; set; }

    public double Failing { get; set; }

    internal HealthState Judge(long errors, long requests)
    {
        if (requests == 0)
        {
            return HealthState.Idle;
        }
        var percent = 100.0 * errors / requests;
        return percent > Failing ? HealthState.Failing
            : errors > 0 && percent >= Degraded ? HealthState.Degraded
            : HealthState.Healthy;
    }

    internal void Validate(string where)
    {
        if (Degraded is < 0 or > 100 || Failing is < 0 or > 100 || Degraded > Failing)
        {
            throw new ArgumentException($"{where} must have 0 ≤ Degraded ≤ Failing ≤ 100 (percent), got Degraded={Degraded}, Failing={Failing}.");
        }
    }
}

/// <summary>The thresholds of each error class; a class left out of a rule keeps the default's.</summary>
public class HealthThresholds
{
    /// <summary>5xx responses (and failures without a response) of HTTP and TCP traffic.</summary>
    public ErrorThreshold? Http5xx { get; set; }

    /// <summary>4xx responses of HTTP traffic.</summary>
    public ErrorThreshold? Http4xx { get; set; }

    /// <summary>Non-OK gRPC statuses (and failures) of gRPC traffic.</summary>
    public ErrorThreshold? Grpc { get; set; }
}

/// <summary>Thresholds for the nodes and edges whose namespace and name match both patterns.</summary>
public sealed class HealthRule : HealthThresholds
{
    /// <summary>Regular expression the whole namespace must match; any namespace when empty.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>Regular expression the whole node name (workload, service or app) must match; any name when empty.</summary>
    public string Name { get; set; } = "";
}

/// <summary>
/// Health thresholds (section Topology:Health). Defaults as Kiali's: 5xx degraded from 0.1 %,
/// failing above 10 %; 4xx 10 % / 20 %; gRPC any error / 10 %. The first rule whose patterns
/// match a node (for an edge, its destination) overrides them.
/// </summary>
public sealed class HealthOptions : HealthThresholds
{
    public List<HealthRule> Rules { get; set; } = [];

    public HealthOptions()
    {
        Http5xx = new ErrorThreshold { Degraded = 0.1, Failing = 10 };
        Http4xx = new ErrorThreshold { Degraded = 10, Failing = 20 };
        Grpc = new ErrorThreshold { Degraded = 0, Failing = 10 };
    }

    public void Validate()
    {
        foreach (var (threshold, name) in new[] { (Http5xx, "Http5xx"), (Http4xx, "Http4xx"), (Grpc, "Grpc") })
        {
            if (threshold is null)
            {
                throw new ArgumentException($"Topology:Health:{name} must be set.");
            }
            threshold.Validate($"Topology:Health:{name}");
        }
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            foreach (var (pattern, field) in new[] { (rule.Namespace, "Namespace"), (rule.Name, "Name") })
            {
                try
                {
                    _ = new Regex(pattern);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Topology:Health:Rules:{i}:{field} '{pattern}' is not a regular expression: {e.Message}");
                }
            }
            rule.Http5xx?.Validate($"Topology:Health:Rules:{i}:Http5xx");
            rule.Http4xx?.Validate($"Topology:Health:Rules:{i}:Http4xx");
            rule.Grpc?.Validate($"Topology:Health:Rules:{i}:Grpc");
        }
    }
}
