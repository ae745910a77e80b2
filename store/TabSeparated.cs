using System.Globalization;
using System.Text;

namespace Observe.Store;

/// <summary>Reads ClickHouse's TabSeparated answers: rows of tab-separated fields, escaped with backslashes.</summary>
public static class TabSeparated
{
    /// <summary>The rows of a query's answer.</summary>
    public static async Task<IReadOnlyList<string[]>> QueryRowsAsync(this IClickHouseTransport store, string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        [.. Rows(await store.QueryAsync(sql, "TabSeparated", parameters, cancellationToken).ConfigureAwait(false))];

    /// <summary>The fields of a one-row answer (an aggregate without GROUP BY).</summary>
    public static async Task<string[]> QueryRowAsync(this IClickHouseTransport store, string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        (await store.QueryRowsAsync(sql, parameters, cancellationToken).ConfigureAwait(false)).Single();

    public static IEnumerable<string[]> Rows(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            for (var i = 0; i < fields.Length; i++)
            {
                if (fields[i].Contains('\\'))
                {
                    fields[i] = Unescape(fields[i]);
                }
            }
            yield return fields;
        }
    }

    public static long Long(string field) => long.Parse(field, CultureInfo.InvariantCulture);

    public static double Double(string field) => field switch
    {
        "nan" or "-nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(field, CultureInfo.InvariantCulture),
    };

    /// <summary>An Array(Float64) field: [1.5,2,3].</summary>
    public static double[] Doubles(string field) =>
        field.Length <= 2 ? [] : [.. field[1..^1].Split(',').Select(Double)];

    /// <summary>An Array(UInt64) or Array(Int64) field: [1,2,3].</summary>
    public static long[] Longs(string field) =>
        field.Length <= 2 ? [] : [.. field[1..^1].Split(',').Select(Long)];

    private static string Unescape(string field)
    {
        var builder = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (c != '\\' || i + 1 == field.Length)
            {
                builder.Append(c);
                continue;
            }
            builder.Append(field[++i] switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                '0' => '\0',
                'b' => '\b',
                'f' => '\f',
                var other => other,
            });
        }
        return builder.ToString();
    }
}
