namespace Observe.Tests;

/// <summary>Files the tests read from the repository and from the shared data beside it.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Observe.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file under <c>../shared/data</c> relative to the repository root: data used in place, never copied in.</summary>
    public static string SharedData(params string[] parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Observe.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Observe.sln not found above the test binaries");
    }
}
