using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Tests.Slo;

/// <summary>Reading YAML written in a test, and finding where a marker sits in it.</summary>
internal static class SloText
{
    public const string FileName = "slos.yaml";

    public static SloDocumentSet Read(string yaml, string file = FileName) => SloDocuments.Read([new SloSource(file, yaml)]);

    /// <summary>1-based line and column of the first occurrence of <paramref name="marker"/> (after <paramref name="after"/>, when given).</summary>
    public static SourceLocation Pos(string yaml, string marker, string? after = null, string file = FileName)
    {
        var start = after is null ? 0 : yaml.IndexOf(after, StringComparison.Ordinal);
        Assert.True(start >= 0, $"`{after}` is not in the text");
        var index = yaml.IndexOf(marker, start, StringComparison.Ordinal);
        Assert.True(index >= 0, $"`{marker}` is not in the text");
        var line = 1 + yaml.AsSpan(0, index).Count('\n');
        var column = index - (yaml.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        if (index > 0 && yaml[index - 1] == '\n')
        {
            column = 1;
        }
        return new SourceLocation(file, line, column);
    }

    public static Finding SingleError(SloDocumentSet set)
    {
        var errors = set.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", set.Findings));
        return errors[0];
    }

    /// <summary>A valid OpenSLO ratio SLO the lint tests break one line at a time.</summary>
    public const string Ratio = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            spec:
              ratioMetric:
                bad:
                  metricSource:
                    type: Observe
                    spec:
                      status: [5xx]
                total:
                  metricSource:
                    type: Observe
                    spec:
                      service: checkout
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.999
        """;
}
