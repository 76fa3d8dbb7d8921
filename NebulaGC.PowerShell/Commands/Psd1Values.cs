using System.Management.Automation.Language;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Reads a PowerShell data (.psd1) values file into <see cref="ValueNode"/>s with line and column. Like
/// Import-PowerShellDataFile nothing is executed: only hashtables, arrays and constants are accepted.
/// </summary>
internal static class Psd1Values
{
    public static ValueMap Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new NebulaGCException(ErrorIds.ValuesFileNotFound, $"values file '{path}' does not exist", path);
        }
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"{Location(path, errors[0].Extent)}: {errors[0].Message}", path);
        }
        var hashtable = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            ?? throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}' holds no hashtable", path);
        return (ValueMap)Convert(hashtable, path);
    }

    private static ValueLocation Location(string path, IScriptExtent extent) => new(path, extent.StartLineNumber, extent.StartColumnNumber);

    private static ValueNode Convert(Ast ast, string path) => ast switch
    {
        HashtableAst map => ValueMap.Create(map.KeyValuePairs.Select(kv => new ValueEntry(
            kv.Item1 is StringConstantExpressionAst key ? key.Value : throw NotConstant(kv.Item1, path),
            Location(path, kv.Item1.Extent), Convert(kv.Item2, path))).ToList(), Location(path, map.Extent)),
        PipelineAst { PipelineElements: [CommandExpressionAst single] } => Convert(single.Expression, path),
        CommandExpressionAst command => Convert(command.Expression, path),
        ArrayExpressionAst array => new ValueList(array.SubExpression.Statements.SelectMany(s => Items(Convert(s, path))).ToList(), Location(path, array.Extent)),
        ArrayLiteralAst literal => new ValueList(literal.Elements.Select(e => Convert(e, path)).ToList(), Location(path, literal.Extent)),
        StringConstantExpressionAst text => new ValueScalar(text.Value, Location(path, text.Extent)),
        ConstantExpressionAst constant => new ValueScalar(ValueKinds.ToText(constant.Value), Location(path, constant.Extent)),
        VariableExpressionAst { VariablePath.UserPath: var name } variable when name is "true" or "false" or "null" =>
            new ValueScalar(name == "null" ? null : name, Location(path, variable.Extent)),
        _ => throw NotConstant(ast, path),
    };

    /// <summary>@(a, b) holds one statement whose value is a list: its items are the array's items.</summary>
    private static IEnumerable<ValueNode> Items(ValueNode node) => node is ValueList list ? list.Items : [node];

    private static NebulaGCException NotConstant(Ast ast, string path) =>
        new(ErrorIds.ValuesFileInvalid, $"{Location(path, ast.Extent)}: a values file may hold only constant data, not '{ast.Extent.Text}'", path);
}
