using System.Formats.Tar;
using System.IO.Compression;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// Unpacks a config bundle (gzip'd tar, flat, regular files only — SPEC §2) into an empty directory.
/// The archive comes from the network: anything but a plain file name and a regular file is refused,
/// sizes are capped while reading (a gzip bomb stops at the cap), and file modes are ours, never the archive's.
/// </summary>
public static class BundleArchive
{
    /// <summary>SPEC §2: at most 64 MiB uncompressed.</summary>
    public const long MaxUncompressedBytes = 64L * 1024 * 1024;

    /// <summary>A bundle holds a handful of files; thousands of entries can only be an attack.</summary>
    public const int MaxEntries = 64;

    public static readonly IReadOnlyList<string> RequiredFiles = ["config.yml", "ca.crt", "host.crt"];

    public const UnixFileMode SecretFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PublicFileMode = SecretFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Extracts <paramref name="bundle"/> into <paramref name="targetDir"/>, which must exist and be empty.</summary>
    /// <returns>The names of the files written.</returns>
    /// <exception cref="BundleRejectedException">The archive is malformed, truncated, too big or holds anything but flat regular files.</exception>
    public static IReadOnlyList<string> Extract(Stream bundle, string targetDir)
    {
        var names = new List<string>();
        long total = 0;
        try
        {
            using var gzip = new GZipStream(bundle, CompressionMode.Decompress, leaveOpen: true);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (names.Count >= MaxEntries)
                {
                    throw new BundleRejectedException($"the bundle has more than {MaxEntries} entries");
                }
                string name = CheckName(entry.Name);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    throw new BundleRejectedException($"bundle entry '{entry.Name}' is a {TarEntryKinds.Describe(entry.EntryType)}; only regular files are allowed");
                }
                if (names.Contains(name))
                {
                    throw new BundleRejectedException($"bundle entry '{name}' appears twice");
                }
                if (entry.Length > MaxUncompressedBytes - total)
                {
                    throw new BundleRejectedException($"the bundle unpacks to more than {MaxUncompressedBytes / (1024 * 1024)} MiB");
                }
                total += entry.Length;
                WriteEntry(entry, Path.Combine(targetDir, name), ModeFor(name));
                names.Add(name);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new BundleRejectedException($"unpacking the bundle failed (truncated or not a tar.gz?): {e.Message}", e);
        }

        var missing = RequiredFiles.Where(f => !names.Contains(f)).ToList();
        if (missing.Count > 0)
        {
            throw new BundleRejectedException($"the bundle lacks {string.Join(", ", missing)}");
        }
        return names;
    }

    /// <summary>Private keys stay private whatever the archive says; everything else is world-readable config.</summary>
    public static UnixFileMode ModeFor(string name) =>
        name.EndsWith(".key", StringComparison.Ordinal) ? SecretFileMode : PublicFileMode;

    private static string CheckName(string raw)
    {
        // `tar -C dir .` style names ("./config.yml") are still flat.
        string name = raw.StartsWith("./", StringComparison.Ordinal) ? raw[2..] : raw;
        if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\\') || name.Contains('\0') || name.Length > 255)
        {
            throw new BundleRejectedException($"bundle entry '{raw}' is not a plain file name (paths, '..' and absolute names are refused)");
        }
        return name;
    }

    private static void WriteEntry(TarEntry entry, string path, UnixFileMode mode)
    {
        using var output = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        });
        if (entry.DataStream is { } data)
        {
            // Copy exactly the declared length: a lying header cannot make us write more.
            long copied = CopyAtMost(data, output, entry.Length);
            if (copied != entry.Length)
            {
                throw new BundleRejectedException($"bundle entry '{entry.Name}' is truncated ({copied} of {entry.Length} bytes)");
            }
        }
        output.Flush(flushToDisk: true);
    }

    private static long CopyAtMost(Stream source, Stream destination, long limit)
    {
        byte[] buffer = new byte[81920];
        long copied = 0;
        while (copied < limit)
        {
            int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - copied));
            if (read == 0)
            {
                break;
            }
            destination.Write(buffer, 0, read);
            copied += read;
        }
        return copied;
    }
}
