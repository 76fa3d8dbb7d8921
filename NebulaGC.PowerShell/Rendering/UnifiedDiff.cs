using System.Text;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>A unified diff (as <c>diff -u</c> prints it, 3 lines of context) between two texts, for -WhatIf.</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>Empty when the texts are equal; <paramref name="before"/> null means the file does not exist yet.</summary>
    public static string Create(string? before, string after, string name)
    {
        var a = Lines(before ?? "");
        var b = Lines(after);
        var ops = Script(a, b);
        if (ops.All(o => o.Kind == ' '))
        {
            return "";
        }
        var text = new StringBuilder();
        text.Append(before is null ? "--- /dev/null\n" : $"--- a/{name}\n").Append($"+++ b/{name}\n");
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                i++;
                continue;
            }
            // A hunk: from Context lines before this change to Context lines after the last change within reach.
            var start = Math.Max(0, i - Context);
            var end = i;
            while (end < ops.Count)
            {
                var next = ops.FindIndex(end, o => o.Kind != ' ');
                if (next < 0 || next - end > 2 * Context && end > i)
                {
                    break;
                }
                end = next + 1;
            }
            end = Math.Min(ops.Count, end + Context);
            var hunk = ops.GetRange(start, end - start);
            var oldStart = ops.Take(start).Count(o => o.Kind != '+');
            var newStart = ops.Take(start).Count(o => o.Kind != '-');
            var oldCount = hunk.Count(o => o.Kind != '+');
            var newCount = hunk.Count(o => o.Kind != '-');
            text.Append($"@@ -{(oldCount == 0 ? oldStart : oldStart + 1)},{oldCount} +{(newCount == 0 ? newStart : newStart + 1)},{newCount} @@\n");
            foreach (var op in hunk)
            {
                text.Append(op.Kind).Append(op.Line).Append('\n');
            }
            i = end;
        }
        return text.ToString();
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    /// <summary>The edit script of a longest common subsequence: ' ' kept, '-' removed, '+' added.</summary>
    private static List<(char Kind, string Line)> Script(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var x = a.Length - 1; x >= 0; x--)
        {
            for (var y = b.Length - 1; y >= 0; y--)
            {
                lcs[x, y] = a[x] == b[y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
            }
        }
        var ops = new List<(char, string)>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (i < a.Length && j < b.Length && a[i] == b[j])
            {
                ops.Add((' ', a[i++]));
                j++;
            }
            else if (i < a.Length && (j == b.Length || lcs[i + 1, j] >= lcs[i, j + 1]))
            {
                ops.Add(('-', a[i++]));
            }
            else
            {
                ops.Add(('+', b[j++]));
            }
        }
        return ops;
    }
}
