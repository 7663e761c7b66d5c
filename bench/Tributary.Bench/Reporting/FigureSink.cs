using System.Text.Json;

namespace Tributary.Bench.Reporting;

/// <summary>One measured figure next to its baseline from the same run on the same database.</summary>
internal sealed record Figure(FigureSpec Spec, string Database, double Value, double? Baseline, int Runs, string? Note)
{
    public double? Ratio => Baseline is > 0 ? Value / Baseline.Value : null;

    public bool? Met => Spec.Target.Check?.Invoke(Value, Ratio);

    public string? Shortfall => Met == false ? Spec.Target.Shortfall?.Invoke(Value, Ratio) : null;
}

/// <summary>Collects figures and prints each as one JSON line on stdout the moment it is measured.</summary>
internal sealed class FigureSink
{
    private readonly List<Figure> _figures = [];
    private readonly Lock _gate = new();
    private readonly BenchProfile _profile;

    public FigureSink(BenchProfile profile)
    {
        _profile = profile;
    }

    public IReadOnlyList<Figure> Figures
    {
        get
        {
            lock (_gate)
            {
                return [.. _figures];
            }
        }
    }

    public void Add(FigureSpec spec, string database, double value, double? baseline, int runs, string? note = null)
    {
        var figure = new Figure(spec, database, value, baseline, runs, note);
        lock (_gate)
        {
            _figures.Add(figure);
            WriteLine(figure);
        }
    }

    /// <summary>The names of catalogued figures missing for <paramref name="database"/>.</summary>
    public IReadOnlyList<string> Missing(string database)
    {
        var present = Figures.Where(f => f.Database == database).Select(f => f.Spec.Name).ToHashSet(StringComparer.Ordinal);
        return FigureCatalog.All.Select(s => s.Name).Where(name => !present.Contains(name)).ToList();
    }

    private void WriteLine(Figure figure)
    {
        using var stream = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("name", figure.Spec.Name);
            writer.WriteNumber("value", Round(figure.Value));
            writer.WriteString("unit", figure.Spec.Unit);
            WriteNullable(writer, "baseline", figure.Baseline);
            WriteNullable(writer, "ratio", figure.Ratio);
            writer.WriteNumber("runs", figure.Runs);
            writer.WriteString("database", figure.Database);
            writer.WriteString("target", figure.Spec.Target.Text);
            if (figure.Met is { } met)
            {
                writer.WriteBoolean("met", met);
            }
            else
            {
                writer.WriteNull("met");
            }

            writer.WriteString("title", figure.Spec.Title(_profile));
            writer.WriteString("profile", _profile.Name);
            if (figure.Note is not null)
            {
                writer.WriteString("note", figure.Note);
            }

            writer.WriteEndObject();
        }

        stream.Write("\n"u8);
        stream.Flush();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, Round(v));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static double Round(double value) =>
        !double.IsFinite(value) ? 0 : Math.Abs(value) >= 100 ? Math.Round(value, 1) : Math.Round(value, 4);
}
