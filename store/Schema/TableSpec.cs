namespace Observe.Store.Schema;

/// <summary>A table rows are inserted into, with the column list its RowBinary rows follow.</summary>
/// <param name="Name">Unqualified table name; the store qualifies it with the configured database.</param>
/// <param name="Columns">Comma-separated columns, in the order each row is encoded.</param>
public sealed record TableSpec(string Name, string Columns);
