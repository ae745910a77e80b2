using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling.Reading;
using Observe.Autoscaler.Slo;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Tests.Deploy;

/// <summary>
/// The ScalingPolicy CRD's spec schema against the reader: the same keys at the same paths, the
/// same types, the same bounds, enums and required keys, so that the API server refuses what
/// `observe slo lint` refuses, field by field.
/// </summary>
public class ScalingPolicyCrdTests
{
    private const string CrdFile = "scalingpolicies.observe.dev.yaml";

    private static YamlNode Spec => DeployYaml.Schema(CrdFile).Path("properties", "spec");

    /// <summary>Each mapping of a policy's spec and the keys the reader allows in it.</summary>
    public static TheoryData<string, string[]> Sections => new()
    {
        { "", ScalingPolicyReader.SpecKeys },
        { "targetRef", ScalingPolicyReader.TargetKeys },
        { "capacity", ScalingSettingsReader.CapacityKeys },
        { "startup", ScalingSettingsReader.StartupKeys },
        { "burst", ScalingSettingsReader.BurstKeys },
        { "scaleUp", ScalingSettingsReader.ScaleUpKeys },
        { "scaleDown", ScalingSettingsReader.ScaleDownKeys },
        { "prediction", ScalingSettingsReader.PredictionKeys },
        { "headroom", ScalingSettingsReader.HeadroomKeys },
    };

    /// <summary>Every field of the spec schema by dotted path; <c>[]</c> stands for a list's items.</summary>
    private static IEnumerable<(string Path, YamlNode Schema)> Fields(YamlNode schema, string path)
    {
        foreach (var (key, child) in schema.Get("properties").Entries())
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            yield return (childPath, child);
            foreach (var nested in Fields(child, childPath))
            {
                yield return nested;
            }
            if (child.Get("items") is { } items)
            {
                yield return (childPath + "[]", items);
            }
        }
    }

    public static TheoryData<string> FieldPaths => new(Fields(Spec, "").Select(f => f.Path));

    /// <summary>For each number with a bound: the bound, and a step either side of it.</summary>
    public static TheoryData<string, string> Boundaries
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (path, schema) in Fields(Spec, "").Where(f => f.Schema.Text("type") is "integer" or "number"))
            {
                var step = schema.Text("type") == "integer" ? 1 : 0.25;
                foreach (var bound in new[] { schema.Text("minimum"), schema.Text("maximum") }.OfType<string>())
                {
                    var value = double.Parse(bound, CultureInfo.InvariantCulture);
                    foreach (var candidate in new[] { value - step, value, value + step })
                    {
                        data.Add(path, candidate.ToString(CultureInfo.InvariantCulture));
                    }
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_key_the_reader_accepts_is_a_crd_property_at_the_same_path_and_no_other(string section, string[] readerKeys)
    {
        var crdKeys = SchemaAt(section).Get("properties").Keys();
        Assert.Equal(readerKeys.Order(StringComparer.Ordinal), crdKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_mapping_of_the_crd_spec_is_a_section_the_reader_reads()
    {
        var sections = Sections.Select(row => (string)row[0]).ToHashSet();
        var objects = Fields(Spec, "").Where(f => f.Schema.Text("type") == "object").Select(f => f.Path);
        Assert.Subset(sections, objects.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void A_value_of_another_type_than_the_crds_is_refused_by_both(string path)
    {
        var schema = Fields(Spec, "").Single(f => f.Path == path).Schema;
        var wrong = schema.Text("type") switch
        {
            "integer" => "1.5",
            "number" => "many",
            "boolean" => "maybe",
            "string" => "{a: 1}",
            "array" or "object" => "x",
            var other => throw new InvalidOperationException($"`{path}` has type {other}"),
        };
        var policy = MinimalPolicy();
        Place(policy, path, DeployYaml.Parse(wrong));

        Assert.NotEmpty(StructuralSchema.Validate(Spec, policy.Path("spec")));
        Assert.NotEmpty(Errors(policy));
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void A_number_at_or_beside_a_crd_bound_is_accepted_by_the_crd_exactly_when_the_reader_accepts_it(string path, string value)
    {
        var policy = MinimalPolicy();
        Place(policy, path, DeployYaml.Parse(value));

        var crdErrors = StructuralSchema.Validate(Spec, policy.Path("spec"));
        var readerErrors = Errors(policy);
        Assert.True(crdErrors.Count == 0 == (readerErrors.Count == 0),
            $"{path}: {value}: CRD says [{string.Join("; ", crdErrors)}], reader says [{string.Join("; ", readerErrors)}]");
    }

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void A_value_of_the_crds_type_within_its_bounds_is_accepted_by_both(string path)
    {
        var schema = Fields(Spec, "").Single(f => f.Path == path).Schema;
        if (schema.Text("type") == "object")
        {
            return; // a section is as valid as its fields, each a case of its own
        }
        var policy = MinimalPolicy();
        Place(policy, path, Sample(schema));

        var crdErrors = StructuralSchema.Validate(Spec, policy.Path("spec"));
        Assert.True(crdErrors.Count == 0, string.Join("\n", crdErrors));
        var readerErrors = Errors(policy);
        Assert.True(readerErrors.Count == 0, string.Join("\n", readerErrors));
    }

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void A_number_far_out_of_range_for_the_reader_is_out_of_range_for_the_crd(string path)
    {
        var schema = Fields(Spec, "").Single(f => f.Path == path).Schema;
        if (schema.Text("type") is not ("integer" or "number"))
        {
            return;
        }
        foreach (var far in new[] { "-1000000", "1000000" })
        {
            var policy = MinimalPolicy();
            Place(policy, path, DeployYaml.Parse(far));
            var crdRefuses = StructuralSchema.Validate(Spec, policy.Path("spec")).Count > 0;
            var readerErrors = Errors(policy);
            // The reader's range findings say "is X, and must be ..."; a relation between two fields (minReplicas and
            // maxReplicas, headroom's min and max) is the reader's alone.
            if (readerErrors.Any(e => e.Message.Contains(", and must be ", StringComparison.Ordinal)))
            {
                Assert.True(crdRefuses, $"{path}: {far} is out of the reader's range and the CRD takes it");
            }
            if (crdRefuses)
            {
                Assert.NotEmpty(readerErrors);
            }
        }
    }

    /// <summary>A value of a field's CRD type inside its bounds and clear of its relations to the defaults of other fields.</summary>
    private static YamlNode Sample(YamlNode schema)
    {
        if (schema.Get("enum") is YamlSequenceNode choices)
        {
            return new YamlScalarNode(((YamlScalarNode)choices.Children[0]).Value);
        }
        var low = schema.Text("minimum") is { } min ? double.Parse(min, CultureInfo.InvariantCulture) : (double?)null;
        var high = schema.Text("maximum") is { } max ? double.Parse(max, CultureInfo.InvariantCulture) : (double?)null;
        var lowExcluded = schema.Text("exclusiveMinimum") == "true";
        double number = (low, high) switch
        {
            ({ } l, { } h) => (l + h) / 2,
            ({ } l, null) => lowExcluded ? l + 0.25 : l,
            (null, { } h) => h,
            _ => 2,
        };
        return schema.Text("type") switch
        {
            "integer" => new YamlScalarNode(((int)Math.Ceiling(number)).ToString(CultureInfo.InvariantCulture)),
            "number" => new YamlScalarNode(number.ToString(CultureInfo.InvariantCulture)),
            "boolean" => new YamlScalarNode("false"),
            // 20s: a tick of at most 5m, a burst window under the default stable window and a stable window over the default window.
            "string" when schema.Text("pattern") == Spec.Path("properties", "tick").Text("pattern") => new YamlScalarNode("20s"),
            "string" => new YamlScalarNode("checkout"),
            "array" => new YamlSequenceNode(Sample(schema.Path("items"))),
            var other => throw new InvalidOperationException($"no sample for type {other}"),
        };
    }

    [Fact]
    public void Every_string_but_the_names_and_choices_is_a_duration_with_one_pattern_that_both_refuse_without_a_unit()
    {
        var durations = Fields(Spec, "")
            .Where(f => f.Schema.Text("type") == "string" && !f.Path.StartsWith("targetRef.", StringComparison.Ordinal) && f.Schema.Get("enum") is null && f.Path != "slos[]")
            .ToList();
        Assert.NotEmpty(durations);
        foreach (var (path, schema) in durations)
        {
            Assert.Equal(Spec.Path("properties", "tick").Text("pattern"), schema.Text("pattern"));
            var policy = MinimalPolicy();
            Place(policy, path, DeployYaml.Parse("\"15\""));
            Assert.NotEmpty(StructuralSchema.Validate(Spec, policy.Path("spec")));
            Assert.Contains(Errors(policy), e => e.Message.Contains("has no unit", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_duration_pattern_matches_what_the_reader_reads_as_a_duration_without_a_sign()
    {
        var pattern = new Regex(Spec.Path("properties", "tick").Text("pattern")!);
        var number = from whole in Gen.Choose(0, 999)
                     from fraction in Gen.Elements("", "", ".5", ".25", ".")
                     select whole.ToString(CultureInfo.InvariantCulture) + fraction;
        var part = from n in number
                   from unit in Gen.Elements("ms", "s", "m", "h", "", "d", "us", " s")
                   select n + unit;
        var text = from sign in Gen.Elements("", "", "", "-", "+")
                   from parts in Gen.ArrayOf(part).Where(p => p.Length is > 0 and <= 4)
                   select sign + string.Concat(parts);

        // A sign only ever writes a negative duration (or a negative zero), which no policy field takes.
        Prop.ForAll(Arb.From(text), t => pattern.IsMatch(t) == (PolicyDurations.Parse(t) is not null && !t.StartsWith('-')))
            .QuickCheckThrowOnFailure();
        Assert.Matches(pattern, "0");
        Assert.Matches(pattern, "1m30s");
        Assert.DoesNotMatch(pattern, "15");
    }

    [Fact]
    public void The_crd_enums_are_the_readers_choices()
    {
        Assert.Equal(ScalingPolicyReader.Modes, Spec.Path("properties", "mode", "enum").Texts());
        Assert.Equal(ScalingSettingsReader.Seasons, Spec.Path("properties", "prediction", "properties", "seasonality", "items", "enum").Texts());
    }

    [Theory]
    [MemberData(nameof(FieldPaths))]
    public void A_field_is_required_by_the_crd_exactly_when_leaving_it_out_is_an_error_for_the_reader(string path)
    {
        if (path.EndsWith("[]", StringComparison.Ordinal))
        {
            return; // list items are not keys
        }
        var keys = path.Split('.');
        var parent = SchemaAt(string.Join('.', keys[..^1]));
        var required = parent.Get("required").Texts().Contains(keys[^1]);
        var policy = ExamplePolicy();
        if (policy.Path("spec").Get(keys[0]) is null || (keys.Length > 1 && policy.Path(["spec", .. keys[..^1]]).Get(keys[^1]) is null))
        {
            Assert.False(required, $"`{path}` is required but the example leaves it out");
            return;
        }
        policy.Remove("spec." + path);
        Assert.Equal(required, Errors(policy).Count > 0);
    }

    /// <summary>The schema of the spec field at a dotted path; the spec's own for "".</summary>
    private static YamlNode SchemaAt(string path) =>
        path.Length == 0 ? Spec : Spec.Path([.. path.Split('.').SelectMany(k => new[] { "properties", k })]);

    /// <summary>The ScalingPolicy of the checkout CR example, every field written.</summary>
    internal static YamlMappingNode ExamplePolicy() => DeployYaml.Document("ScalingPolicy", "examples", "kubernetes", "checkout-cr.yaml");

    /// <summary>The example with only the fields a policy must have, so that one field placed in it meets only defaults.</summary>
    private static YamlMappingNode MinimalPolicy()
    {
        var policy = ExamplePolicy();
        var spec = policy.Path("spec").Map();
        foreach (var key in spec.Keys().Except(["targetRef", "slos", "maxReplicas"]).ToList())
        {
            policy.Remove("spec." + key);
        }
        return policy;
    }

    private static void Place(YamlMappingNode policy, string path, YamlNode value)
    {
        if (path.EndsWith("[]", StringComparison.Ordinal))
        {
            policy.Set("spec." + path[..^2], new YamlSequenceNode(value));
        }
        else
        {
            policy.Set("spec." + path, value);
        }
    }

    private static List<Finding> Errors(YamlMappingNode policy) =>
        [.. SloDocuments.Read([new SloSource("policy.yaml", DeployYaml.Write(policy))]).Findings.Where(f => f.Severity == FindingSeverity.Error)];
}
