using System.Text;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Writes rendered files under an output directory: atomically (temp file in the same directory, fsync,
/// rename), with their mode, and only when the bytes differ, so re-running a render changes nothing.
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
        var mode = OperatingSystem.IsWindows() ? 0 : (UnixFileMode)file.Mode;
        if (File.Exists(target))
        {
            if (file.CreateOnly)
            {
                reporter.Verbose($"{target}: exists, kept (generated once, never overwritten)");
                file.Status = RenderStatus.Kept;
                return;
            }
            if (File.ReadAllBytes(target).AsSpan().SequenceEqual(bytes) && ModeOf(target) == mode)
            {
                reporter.Verbose($"{target}: unchanged");
                file.Status = RenderStatus.Unchanged;
                return;
            }
        }
        var exists = File.Exists(target);
        if (!reporter.ShouldProcess(target, exists ? $"Update {file.Kind} file (mode {file.ModeText})" : $"Create {file.Kind} file (mode {file.ModeText})"))
        {
            file.Status = RenderStatus.Skipped;
            return;
        }
        var dir = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(dir);
            // Create the temp file with its final mode so a secret is never readable by others, not even briefly.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode); // umask may have narrowed it
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new NebulaGCException(ErrorIds.FileWriteFailed, $"writing '{target}': {e.Message}", target, e);
        }
        reporter.Verbose($"{target}: {(exists ? "updated" : "created")} ({file.Kind}, mode {file.ModeText})");
        file.Status = exists ? RenderStatus.Updated : RenderStatus.Created;
    }

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(path);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
