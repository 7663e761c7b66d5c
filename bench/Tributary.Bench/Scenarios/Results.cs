using Tributary.Bench.Reporting;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// What one database's run measured. Figures are emitted together at the end because some baselines are taken
/// after the servers stopped (the queue primitives need a queue nobody else claims from).
/// </summary>
internal sealed class Results
{
    private readonly Dictionary<string, (double Value, int Runs, string? Note)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _baselines = new(StringComparer.Ordinal);

    public void Set(FigureSpec spec, double value, int runs, string? note = null) => _values[spec.Name] = (value, runs, note);

    public void SetBaseline(FigureSpec spec, double baseline) => _baselines[spec.Name] = baseline;

    /// <summary>A figure measured earlier in this run, as the baseline of a later one (B14 against B4).</summary>
    public double? Value(FigureSpec spec) => _values.TryGetValue(spec.Name, out var entry) ? entry.Value : null;

    public void EmitTo(FigureSink sink, string database)
    {
        foreach (var spec in FigureCatalog.All)
        {
            if (_values.TryGetValue(spec.Name, out var entry))
            {
                sink.Add(spec, database, entry.Value, _baselines.TryGetValue(spec.Name, out var baseline) ? baseline : null, entry.Runs, entry.Note);
            }
        }
    }
}
