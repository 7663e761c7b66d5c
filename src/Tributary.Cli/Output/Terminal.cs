using Spectre.Console;

namespace Tributary.Cli.Output;

/// <summary>
/// The console a verb renders tables and progress on. On the process's own terminal Spectre.Console detects colour
/// and width; on anything else (a pipe, a test's writer) it renders plain text, wide enough not to wrap rows.
/// </summary>
internal static class Terminal
{
    private const int PlainWidth = 200;

    public static IAnsiConsole For(InvocationConfiguration configuration)
    {
        var output = configuration.Output;
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = PlainWidth;
        return console;
    }

    /// <summary>A table with the given headers and the plain style every verb uses.</summary>
    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)).NoWrap());
        }

        return table;
    }

    /// <summary>Adds a row of plain text cells (never markup: values come from the server).</summary>
    public static void Row(this Table table, params string?[] cells) =>
        table.AddRow([.. cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c ?? "-"))]);
}
