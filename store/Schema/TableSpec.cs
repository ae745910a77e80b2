namespace Observe.Store.Schema;

/// <summary>A table rows are inserted into, with the column list its RowBinary rows follow.</summary>
/// <remarks>
/// A class, not a record: the few instances are static, and batching code keys dictionaries by
/// them once per row, where reference equality is free and hashing the column list is not.
/// </remarks>
public sealed class TableSpec(string name, string columns)
{
    /// <summary>Unqualified table name; the store qualifies it with the configured database.</summary>
    public string Name { get; } = name;

    /// <summary>Comma-separated columns, in the order each row is encoded.</summary>
    public string Columns { get; } = columns;

    public override string ToString() => Name;
}
