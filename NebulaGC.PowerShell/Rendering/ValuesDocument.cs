using System.Collections;
using System.Text;
using System.Text.Json;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// The full default values file with a comment per key (Get-NebulaGCValues; committed as templates/values.yml).
/// Loading it changes nothing: every value is the default.
/// </summary>
public static class ValuesDocument
{
    public static string Render()
    {
        var defaults = new DeploymentSettings();
        var text = new StringBuilder();
        text.Append("# NebulaGC values: every setting of the New-NebulaGC* render cmdlets, with its default.\n");
        text.Append("# Pass files with -ValuesPath (several: a later one wins) and single keys with -Set key=value (image.tag=1.2.3);\n");
        text.Append("# parameters win over both. Keys are case-insensitive; a key a render does not use is listed in a warning.\n");
        text.Append("# Get-Help about_NebulaGC_Values explains each kind of value.\n");
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in Grouped(ValuesSchema.Settings))
        {
            var parts = key.Key.Split('.');
            for (var depth = 0; depth < parts.Length - 1; depth++)
            {
                var branch = string.Join('.', parts.Take(depth + 1));
                if (written.Add(branch))
                {
                    text.Append('\n').Append(Indent(depth)).Append(parts[depth]).Append(":\n");
                }
            }
            var indent = Indent(parts.Length - 1);
            if (parts.Length == 1)
            {
                text.Append('\n');
            }
            text.Append(indent).Append("# ").Append(key.Value.Comment).Append('\n');
            var value = key.Property.GetValue(defaults);
            var line = $"{parts[^1]}: {Format(value)}";
            text.Append(indent).Append(value is null ? "# " + $"{parts[^1]}: {Example(key)}" : line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Declaration order, except that keys of one map (litestream.*) follow the first of them, so each map is written once.</summary>
    private static IEnumerable<ValueKey> Grouped(IReadOnlyList<ValueKey> keys)
    {
        int FirstIndex(string prefix) => keys.ToList().FindIndex(k => k.Key == prefix || k.Key.StartsWith(prefix + ".", StringComparison.Ordinal));
        return keys.OrderBy(k => k, Comparer<ValueKey>.Create((a, b) =>
        {
            var pa = a.Key.Split('.');
            var pb = b.Key.Split('.');
            for (var d = 0; d < Math.Min(pa.Length, pb.Length); d++)
            {
                var c = FirstIndex(string.Join('.', pa.Take(d + 1))).CompareTo(FirstIndex(string.Join('.', pb.Take(d + 1))));
                if (c != 0)
                {
                    return c;
                }
            }
            return pa.Length.CompareTo(pb.Length);
        }));
    }

    private static string Indent(int depth) => new(' ', depth * 2);

    private static string Example(ValueKey key) => key.Key == "topology" ? "Litestream" : "Server";

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        LitestreamVersion v => JsonSerializer.Serialize(ValueKinds.ToText(v)),
        Enum e => e.ToString(),
        ICollection { Count: 0 } => "[]",
        _ => ValueKinds.ToText(value) ?? "",
    };
}
