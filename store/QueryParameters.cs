using System.Collections;
using System.Globalization;
using System.Text;

namespace Observe.Store;

/// <summary>
/// Values for the <c>{name:Type}</c> placeholders of a query. Values travel beside the SQL text and
/// are parsed by the engine as the placeholder's type, so input never becomes SQL.
/// </summary>
public sealed class QueryParameters : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _values = [];

    public int Count => _values.Count;

    public QueryParameters Add(string name, string value)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Query parameter name '{name}' must be letters, digits and '_', not starting with a digit.", nameof(name));
        }
        _values.Add(new(name, value));
        return this;
    }

    public QueryParameters Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public QueryParameters Add(string name, ulong value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public QueryParameters Add(string name, double value) => Add(name, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>An Array(String) parameter.</summary>
    public QueryParameters Add(string name, IEnumerable<string> values) =>
        Add(name, "[" + string.Join(",", values.Select(v => "'" + v.Replace("\\", "\\\\").Replace("'", "\\'") + "'")) + "]");

    /// <summary>A DateTime64(9) parameter as nanoseconds since the Unix epoch.</summary>
    public QueryParameters AddUnixNanos(string name, DateTimeOffset value) =>
        Add(name, UnixTime.Nanos(value));

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The value in ClickHouse's "Escaped" text form, which is how parameter values are parsed:
    /// backslash, tab, newline and carriage return must be escaped.
    /// </summary>
    internal static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\t\n\r\0") < 0)
        {
            return value;
        }
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                '\0' => "\\0",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
