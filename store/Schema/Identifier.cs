namespace Observe.Store.Schema;

/// <summary>Names of databases and tables, which cannot be query parameters and so are checked instead.</summary>
internal static class Identifier
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 64 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
