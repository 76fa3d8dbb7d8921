using System.Text;
using NebulaGC.Client.Platform;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Writes rendered files under an output directory with their mode, only when the bytes or the mode differ (so
/// re-running a render changes nothing), each one through <see cref="AtomicFile"/>.
/// </summary>
public static class ArtifactWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAll(string outputDir, IEnumerable<RenderedFile> files, IReporter reporter)
    {
        foreach (var file in files)
        {
            Write(outputDir, file, reporter);
        }
    }

    public static void Write(string outputDir, RenderedFile file, IReporter reporter)
    {
        var target = Path.GetFullPath(Path.Combine(outputDir, file.RelativePath));
        file.Path = target;
        var bytes = Utf8NoBom.GetBytes(file.Content);
        var mode = (UnixFileMode)file.UnixMode;
        var exists = File.Exists(target);
        if (exists)
        {
            if (file.CreateOnly)
            {
                reporter.Verbose($"{target}: exists, kept (generated once, never overwritten)");
                file.Status = RenderStatus.Kept;
                return;
            }
            if (File.ReadAllBytes(target).AsSpan().SequenceEqual(bytes) && File.GetUnixFileMode(target) == mode)
            {
                reporter.Verbose($"{target}: unchanged");
                file.Status = RenderStatus.Unchanged;
                return;
            }
        }
        if (!reporter.ShouldProcess(target, exists ? $"Update {file.Kind} file (mode {file.Mode})" : $"Create {file.Kind} file (mode {file.Mode})"))
        {
            file.Status = RenderStatus.Skipped;
            // A secret's value never reaches the console, not even as a diff.
            file.Diff = file.UnixMode == RenderContext.ModeSecret
                ? $"--- a/{file.RelativePath}\n+++ b/{file.RelativePath}\n(mode 0600: content not shown)\n"
                : UnifiedDiff.Create(exists ? File.ReadAllText(target) : null, file.Content, file.RelativePath);
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            AtomicFile.WriteAllBytes(target, bytes, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NebulaGCException(ErrorIds.FileWriteFailed, $"writing '{target}': {e.Message}", target, e);
        }
        reporter.Verbose($"{target}: {(exists ? "updated" : "created")} ({file.Kind}, mode {file.Mode})");
        file.Status = exists ? RenderStatus.Updated : RenderStatus.Created;
    }
}
