using System.Text;

namespace NebulaGC.Client.Platform;

/// <summary>Crash-safe file replacement: temp file in the same directory, fsync, rename, fsync of the directory.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class AtomicFile
{
    public static void WriteAllText(string path, string content, UnixFileMode mode) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(content), mode);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        string directory = Path.GetDirectoryName(path)!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            // The mode is set at creation, so a secret is never readable by others, not even for a moment.
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temp, mode); // the umask may have narrowed the creation mode
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        FsyncDirectory(directory);
    }

    /// <summary>Makes a rename in <paramref name="directory"/> durable.</summary>
    public static void FsyncDirectory(string directory) => Native.FsyncDirectory(directory);
}
