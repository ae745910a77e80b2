namespace Observe.Autoscaler.Slo.Reading;

/// <summary>Finds and reads SLO files; failures become findings at line 1 of the path, since there is no text to point into.</summary>
internal static class SloFiles
{
    /// <summary>The file itself, or the directory's YAML files in ordinal path order; null when the path cannot be listed.</summary>
    public static List<string>? List(string path, List<Finding> problems)
    {
        try
        {
            if (File.Exists(path))
            {
                return [path];
            }
            if (!Directory.Exists(path))
            {
                problems.Add(AtStart(path, $"no such file or directory: `{path}`; write the path of an SLO YAML file or of a directory holding them"));
                return null;
            }
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, MatchCasing = MatchCasing.CaseInsensitive };
            return [.. Directory.EnumerateFiles(path, "*", options)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(AtStart(path, $"cannot list `{path}`: {e.Message}; check that the directory exists and is readable"));
            return null;
        }
    }

    public static string? ReadText(string file, List<Finding> problems)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(AtStart(file, $"cannot read `{file}`: {e.Message}; check that the file exists and is readable"));
            return null;
        }
    }

    public static Finding AtStart(string file, string message) => new(FindingSeverity.Error, new SourceLocation(file, 1, 1), message);
}
