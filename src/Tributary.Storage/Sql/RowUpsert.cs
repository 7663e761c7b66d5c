namespace Tributary.Storage.Sql;

/// <summary>
/// An upsert run for every row of a batch (<see cref="SqlDialect.ExecuteUpsertRowsAsync"/>) that reports, for each row it
/// wrote, an outcome computed on the row as written; rows it left alone report nothing.
/// </summary>
/// <param name="Sql">The upsert, without a RETURNING clause.</param>
/// <param name="Table">The table it writes.</param>
/// <param name="Key">The condition that finds the current row's stored row by its unique key (row values through <see cref="SqlDialect.Row"/>).</param>
/// <param name="Outcome">The outcome, an integer expression over the written row's columns and the batch's shared values.</param>
/// <param name="InsertedOutcome">What <paramref name="Outcome"/> is for every row the upsert inserts.</param>
internal sealed record RowUpsert(string Sql, string Table, string Key, string Outcome, long InsertedOutcome)
{
    /// <summary>The upsert returning each written row's outcome (PostgreSQL's form: one statement over the unnested rows).</summary>
    public string ReturningSql => $"{Sql}\nRETURNING {Outcome}";

    /// <summary>The outcome of the current row as stored (SQLite's form, read only for a row the upsert updated).</summary>
    public string OutcomeSql => $"SELECT {Outcome} FROM {Table} WHERE {Key}";
}
