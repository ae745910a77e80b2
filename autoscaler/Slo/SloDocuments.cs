using Observe.Autoscaler.Scaling.Reading;
using Observe.Autoscaler.Slo.Reading;

namespace Observe.Autoscaler.Slo;

/// <summary>One SLO file's text; <see cref="File"/> is the name findings point at.</summary>
public sealed record SloSource(string File, string Text);

/// <summary>
/// Reads SLO documents (OpenSLO v1 and Alibaba Cloud ASM <c>ServiceLevelObjective</c>) into
/// <see cref="SloDefinition"/>s, and Observe's <c>ScalingPolicy</c> documents into
/// <see cref="Scaling.ScalingPolicy"/>s, with a finding, at its file, line and column, for every
/// problem. An SLO or policy with an error is left out; the others still load.
/// </summary>
public static class SloDocuments
{
    /// <summary>Reads all <paramref name="sources"/> as one set: references resolve across them.</summary>
    public static SloDocumentSet Read(IReadOnlyList<SloSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var findings = new FindingList();
        var drafts = new DraftSet();
        foreach (var source in sources)
        {
            DocumentReader.Read(source, findings, drafts);
        }
        var slos = SloLinker.Link(drafts, findings);
        var policies = ScalingPolicyLinker.Link(drafts, findings);
        return new SloDocumentSet(slos, Sorted(findings.Items)) { Policies = policies };
    }

    /// <summary>
    /// Reads one file, or every <c>*.yaml</c> / <c>*.yml</c> under a directory (recursively, in
    /// path order). A missing path or an unreadable file is an error finding, not an exception.
    /// </summary>
    public static SloDocumentSet ReadPath(string fileOrDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectory);
        var problems = new List<Finding>();
        var sources = new List<SloSource>();
        foreach (var file in SloFiles.List(fileOrDirectory, problems) ?? [])
        {
            if (SloFiles.ReadText(file, problems) is { } text)
            {
                sources.Add(new SloSource(file, text));
            }
        }
        var set = Read(sources);
        return problems.Count == 0 ? set : set with { Findings = Sorted([.. problems, .. set.Findings]) };
    }

    internal static List<Finding> Sorted(IEnumerable<Finding> findings) =>
        [.. findings.OrderBy(f => f.Location.File, StringComparer.Ordinal).ThenBy(f => f.Location.Line).ThenBy(f => f.Location.Column)];
}
