using System.Text.RegularExpressions;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Files under an output directory that an earlier render wrote and this one no longer produces (Litestream → Single
/// leaves config/litestream.yml behind). Only files whose header says they were rendered from one of the cmdlet's
/// template folders count: anything else in the directory is the user's. -Prune removes them, otherwise a warning lists them.
/// </summary>
public static partial class Leftovers
{
    public static IReadOnlyList<string> Find(string outputDir, IEnumerable<RenderedFile> rendered, IReadOnlyList<string> templateFolders)
    {
        if (!Directory.Exists(outputDir))
        {
            return [];
        }
        var current = rendered.Select(f => Path.GetFullPath(Path.Combine(outputDir, f.RelativePath))).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(outputDir, "*", SearchOption.AllDirectories)
            .Where(f => !current.Contains(f) && !Path.GetFileName(f).StartsWith('.'))
            .Where(f => RenderedFrom(f) is { } folder && templateFolders.Contains(folder))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static void Handle(string outputDir, IEnumerable<RenderedFile> rendered, IReadOnlyList<string> templateFolders, bool prune, IReporter reporter)
    {
        var leftovers = Find(outputDir, rendered, templateFolders);
        if (leftovers.Count == 0)
        {
            return;
        }
        if (!prune)
        {
            reporter.Warning($"{leftovers.Count} file(s) under {outputDir} come from an earlier render and are not part of this one; -Prune removes them: "
                + string.Join(", ", leftovers.Select(f => Path.GetRelativePath(outputDir, f))));
            return;
        }
        foreach (var file in leftovers)
        {
            if (reporter.ShouldProcess(file, "Remove file the render no longer produces"))
            {
                File.Delete(file);
                reporter.Verbose($"{file}: removed (no longer rendered)");
            }
        }
    }

    /// <summary>The template folder named in a file's NebulaGC header ("Rendered by NebulaGC 0.1.0 from templates/k8s/..."), or null.</summary>
    private static string? RenderedFrom(string file)
    {
        using var reader = new StreamReader(file);
        for (var i = 0; i < 3 && reader.ReadLine() is { } line; i++)
        {
            var match = Header().Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^\s*#\s*(?:Rendered|Generated) by NebulaGC \S+ from templates/([A-Za-z0-9_-]+)/")]
    private static partial Regex Header();
}
