using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NebulaGC.Client.Contracts;
using Spectre.Console;

namespace NebulaGC.Server.Cli;

/// <summary>Prints command results as indented JSON (field names are the CLI contract) or as a table.</summary>
public sealed class OutputWriter(OutputFormat format, TextWriter output)
{
    private static readonly JsonSerializerOptions Indented = new(ContractsJsonContext.Default.Options) { WriteIndented = true };

    public void Write<T>(T value, Func<T, IEnumerable<(string Column, IReadOnlyList<string> Cells)>> table)
    {
        if (format == OutputFormat.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Indented.GetTypeInfo(typeof(T))));
            return;
        }
        var columns = table(value).ToList();
        var grid = new Table().Border(TableBorder.Simple);
        foreach (var (column, _) in columns)
        {
            grid.AddColumn(new TableColumn(Markup.Escape(column)));
        }
        var rows = columns.Count == 0 ? 0 : columns.Max(c => c.Cells.Count);
        for (var row = 0; row < rows; row++)
        {
            grid.AddRow(columns.Select(c => new Text(row < c.Cells.Count ? c.Cells[row] : "")).ToArray<Spectre.Console.Rendering.IRenderable>());
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        console.Write(grid);
    }
}
