namespace Tributary.Storage.Sql;

/// <summary>
/// The values of one batch of rows for a statement that <see cref="SqlDialect"/> runs for every row: values all rows
/// share, and per-row columns read by index. Each dialect binds them its fastest way (see <c>SqlDialect.RowBatches.cs</c>).
/// </summary>
internal sealed class RowBatch
{
    private readonly List<(string Name, object Value)> _shared = [];
    private readonly List<(string Name, Func<int, string>? Text, Func<int, long>? Number, Func<int, ReadOnlyMemory<byte>>? Utf8)> _columns = [];

    public RowBatch(int count)
    {
        Count = count;
    }

    public int Count { get; }

    internal IReadOnlyList<(string Name, object Value)> SharedValues => _shared;

    internal IReadOnlyList<(string Name, Func<int, string>? Text, Func<int, long>? Number, Func<int, ReadOnlyMemory<byte>>? Utf8)> Columns => _columns;

    public RowBatch Shared(string name, long value)
    {
        _shared.Add((name, value));
        return this;
    }

    public RowBatch Shared(string name, string value)
    {
        _shared.Add((name, value));
        return this;
    }

    /// <summary>A text column: <paramref name="value"/> gives row i's value.</summary>
    public RowBatch Text(string name, Func<int, string> value)
    {
        _columns.Add((name, value, null, null));
        return this;
    }

    /// <summary>A text column given as UTF-8: <paramref name="value"/> gives row i's value (SQLite binds the bytes as they are).</summary>
    public RowBatch Utf8Text(string name, Func<int, ReadOnlyMemory<byte>> value)
    {
        _columns.Add((name, null, null, value));
        return this;
    }

    /// <summary>An integer column: <paramref name="value"/> gives row i's value.</summary>
    public RowBatch Int64(string name, Func<int, long> value)
    {
        _columns.Add((name, null, value, null));
        return this;
    }

    /// <summary>The values of the text column <paramref name="name"/>, by row (looked up once, read per row).</summary>
    public Func<int, string> TextColumn(string name) =>
        _columns.Find(c => c.Text is not null && string.Equals(c.Name, name, StringComparison.Ordinal)).Text
            ?? throw new ArgumentException($"The batch has no text column {name}.", nameof(name));

    /// <summary>The values of the integer column <paramref name="name"/>, by row (looked up once, read per row).</summary>
    public Func<int, long> Int64Column(string name) =>
        _columns.Find(c => c.Number is not null && string.Equals(c.Name, name, StringComparison.Ordinal)).Number
            ?? throw new ArgumentException($"The batch has no integer column {name}.", nameof(name));
}
