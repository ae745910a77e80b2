using System.Text.RegularExpressions;
using Observe.Autoscaler.Scaling.Reading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>Splits one source into YAML documents and hands each to the reader of its format.</summary>
internal static partial class DocumentReader
{
    private static readonly string[] DocumentKeys = ["apiVersion", "kind", "metadata", "spec"];

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    public static void Read(SloSource source, FindingList findings, DraftSet into)
    {
        var context = new YamlContext(source.File, findings);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(source.Text));
        }
        catch (YamlException e)
        {
            var detail = MarkPrefix().Replace(e.Message, "");
            findings.Add(new Finding(FindingSeverity.Error, context.At(e.Start),
                $"YAML syntax: {detail.TrimEnd('.')}: check the indentation, the `key: value` colons and the quotes here"));
            return;
        }
        foreach (var document in stream.Documents)
        {
            ReadDocument(context, document.RootNode, into);
        }
    }

    private static void ReadDocument(YamlContext context, YamlNode root, DraftSet into)
    {
        if (root is YamlScalarNode scalar && YamlContext.IsNull(scalar))
        {
            return; // an empty document, e.g. after a trailing `---`
        }
        var fields = context.Fields(root, "a document", DocumentKeys);
        if (fields is null)
        {
            return;
        }
        var apiVersion = fields.RequireText("apiVersion", "apiVersion: openslo/v1");
        var kind = fields.RequireText("kind", "kind: SLO");
        if (apiVersion is null || kind is null)
        {
            return;
        }
        if (OpenSloReader.Kinds.Contains(kind, StringComparer.Ordinal))
        {
            if (apiVersion != OpenSloReader.ApiVersion)
            {
                context.Error(fields["apiVersion"]!, $"`apiVersion: {apiVersion}` is not read here: `kind: {kind}` is OpenSLO, write `apiVersion: {OpenSloReader.ApiVersion}`");
                return;
            }
            OpenSloReader.Read(context, fields, kind, into);
        }
        else if (kind == AsmReader.Kind)
        {
            if (apiVersion != AsmReader.ApiVersion)
            {
                context.Error(fields["apiVersion"]!, $"`apiVersion: {apiVersion}` is not read here: `kind: {kind}` is Alibaba Cloud ASM's, write `apiVersion: {AsmReader.ApiVersion}`");
                return;
            }
            AsmReader.Read(context, fields, into);
        }
        else if (kind == ScalingPolicyReader.Kind)
        {
            if (apiVersion != ScalingPolicyReader.ApiVersion)
            {
                context.Error(fields["apiVersion"]!, $"`apiVersion: {apiVersion}` is not read here: `kind: {kind}` is Observe's own, write `apiVersion: {ScalingPolicyReader.ApiVersion}`");
                return;
            }
            ScalingPolicyReader.Read(context, fields, into);
        }
        else
        {
            string[] known = [.. OpenSloReader.Kinds, AsmReader.Kind, ScalingPolicyReader.Kind];
            var suggestion = KeySuggestion.Closest(kind, known);
            context.Error(fields["kind"]!, $"unknown kind `{kind}`: "
                + (suggestion is null ? "" : $"did you mean `{suggestion}`? ")
                + $"Known kinds: {string.Join(", ", OpenSloReader.Kinds)} (apiVersion: {OpenSloReader.ApiVersion}), {AsmReader.Kind} (apiVersion: {AsmReader.ApiVersion}) "
                + $"and {ScalingPolicyReader.Kind} (apiVersion: {ScalingPolicyReader.ApiVersion})");
        }
    }
}
