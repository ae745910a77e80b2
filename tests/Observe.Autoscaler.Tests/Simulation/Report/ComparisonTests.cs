using Observe.Autoscaler.Simulation.Report;

namespace Observe.Autoscaler.Tests.Simulation.Report;

public sealed class ComparisonTests
{
    [Fact]
    public void Rows_carry_each_result_and_replica_hours_over_the_oracles()
    {
        var rows = ComparisonRows.From([Results.Run("observe", 30), Results.Run("hpa", 45), Results.Run("oracle", 20)]);
        Assert.Equal(["observe", "hpa", "oracle"], rows.Select(r => r.Policy));
        Assert.Equal([1.5, 2.25, 1.0], rows.Select(r => r.ReplicaHoursVsOracle!.Value));
        var observe = rows[0];
        Assert.Equal(99.95, observe.GoodSharePercent, 9);
        Assert.Equal((3, 0.5, 30.0, 7, 1.25), (observe.ViolationMinutes, observe.BudgetConsumed, observe.ReplicaHours, observe.ScalingActions, observe.ElapsedSeconds));
    }

    [Fact]
    public void Without_an_oracle_there_is_no_ratio()
    {
        var rows = ComparisonRows.From([Results.Run("observe", 30), Results.Run("kpa", 40)]);
        Assert.All(rows, r => Assert.Null(r.ReplicaHoursVsOracle));
        Assert.Equal("–", ComparisonTable.Cells(rows[0], null)[5]);
    }

    [Fact]
    public void Json_round_trips_trace_model_and_rows()
    {
        var comparison = Comparison.Create(Results.Trace(), Results.Model(), "checkout", 2, 40, 7,
            [Results.Run("observe", 30), Results.Run("oracle", 20)]);
        var json = ComparisonJson.Serialize(comparison);
        var read = ComparisonJson.Deserialize(json);
        Assert.Equal(comparison.Rows, read.Rows);
        Assert.Equal(comparison.Trace, read.Trace);
        Assert.Equal(comparison.Model with { CapacityChanges = [] }, read.Model with { CapacityChanges = [] });
        Assert.Equal(comparison.Model.CapacityChanges, read.Model.CapacityChanges);
        Assert.Equal(json, ComparisonJson.Serialize(read));
        // camelCase names, the units in them.
        Assert.Contains("\"goodSharePercent\": 99.95", json, StringComparison.Ordinal);
        Assert.Contains("\"startupDelaySeconds\": 30", json, StringComparison.Ordinal);
        Assert.Contains("\"capacityChanges\": [", json, StringComparison.Ordinal);
        Assert.Equal(120, read.Trace.Steps);
        Assert.Contains("\"targetPercent\": 99.9,", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_of_cases_round_trips()
    {
        var one = Comparison.Create(Results.Trace(), Results.Model(), "checkout", 2, 40, 7, [Results.Run("observe", 30)]);
        var set = new ComparisonSet([one, one with { Trace = one.Trace with { Name = "ramp" } }]);
        var read = ComparisonJson.DeserializeSet(ComparisonJson.Serialize(set));
        Assert.Equal(["worldcup-slice", "ramp"], read.Cases.Select(c => c.Trace.Name));
    }

    [Fact]
    public void Markdown_is_one_header_one_alignment_line_and_a_line_per_row()
    {
        var comparison = Comparison.Create(Results.Trace(), Results.Model(), "checkout", 2, 40, 7,
            [Results.Run("observe", 30), Results.Run("hpa", 45), Results.Run("oracle", 20)]);
        var lines = ComparisonTable.Markdown([comparison, comparison], withCase: true).TrimEnd('\n').Split('\n');
        Assert.Equal(2 + 6, lines.Length);
        Assert.StartsWith("| case | policy | good % |", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("| --- | --- | ---: |", lines[1], StringComparison.Ordinal);
        Assert.Equal("| worldcup-slice | hpa | 99.950 | 3 | 50 % | 45.0 | 2.25× | 7 | 1.3 s |", lines[3]);
        Assert.All(lines, l => Assert.Equal(10, l.Count(c => c == '|')));
    }
}
