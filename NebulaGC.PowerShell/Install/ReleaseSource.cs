using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>
/// A release as <c>build.ps1 Publish</c> makes it: <c>nebulagc-&lt;version&gt;-linux-x64.tar.gz</c> or that archive unpacked.
/// Layout: <c>VERSION</c>, <c>bin/nebulagc-server</c>, <c>bin/libe_sqlite3.so</c>, <c>bin/nebulagc</c>, <c>module/NebulaGC/</c>,
/// and <c>SHA256SUMS</c> (<c>sha256sum</c> format) covering every other file. Opening one verifies every checksum, so nothing
/// unverified is ever installed.
/// </summary>
public sealed class ReleaseSource : IDisposable
{
    public const string ServerBinary = "nebulagc-server";
    public const string DaemonBinary = "nebulagc";
    public const string SqliteLibrary = "libe_sqlite3.so";

    private readonly string? _unpackedTemp;

    private ReleaseSource(string directory, string version, string origin, string? unpackedTemp)
    {
        Directory = directory;
        Version = version;
        Origin = origin;
        _unpackedTemp = unpackedTemp;
    }

    /// <summary>The release's root directory (holds VERSION, SHA256SUMS, bin/).</summary>
    public string Directory { get; }

    /// <summary>The release version (its VERSION file).</summary>
    public string Version { get; }

    /// <summary>What the operator passed as -Source.</summary>
    public string Origin { get; }

    public string BinDirectory => Path.Combine(Directory, "bin");

    /// <summary>Opens an archive (unpacked into a temp directory that <see cref="Dispose"/> removes) or a folder, and verifies it.</summary>
    public static ReleaseSource Open(string source, IReporter reporter)
    {
        if (System.IO.Directory.Exists(source))
        {
            return Verify(Path.GetFullPath(source), source, unpackedTemp: null, reporter);
        }
        if (!File.Exists(source))
        {
            throw new NebulaGCException(ErrorIds.ReleaseSourceNotFound,
                $"release source '{source}' does not exist: pass the archive from 'build.ps1 Publish' (out/release/nebulagc-<version>-linux-x64.tar.gz) or its unpacked folder", source);
        }
        var temp = System.IO.Directory.CreateTempSubdirectory("nebulagc-release-").FullName;
        try
        {
            reporter.Verbose($"unpacking {source} into {temp}");
            Unpack(source, temp);
            // The archive holds one top-level folder nebulagc-<version>-linux-x64/; accept a flat archive too.
            var entries = System.IO.Directory.GetFileSystemEntries(temp);
            var root = entries is [var only] && System.IO.Directory.Exists(only) ? only : temp;
            return Verify(root, source, temp, reporter);
        }
        catch
        {
            System.IO.Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        if (_unpackedTemp is not null && System.IO.Directory.Exists(_unpackedTemp))
        {
            System.IO.Directory.Delete(_unpackedTemp, recursive: true);
        }
    }

    private static void Unpack(string archive, string target)
    {
        try
        {
            using var file = System.IO.File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var fullTarget = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
            while (tar.GetNextEntry() is { } entry)
            {
                var path = Path.GetFullPath(Path.Combine(target, entry.Name));
                if (!path.StartsWith(fullTarget, StringComparison.Ordinal) && path + Path.DirectorySeparatorChar != fullTarget)
                {
                    throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release archive '{archive}' has an entry outside its folder: '{entry.Name}'", archive);
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        System.IO.Directory.CreateDirectory(path);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        entry.ExtractToFile(path, overwrite: false);
                        break;
                    default:
                        throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid,
                            $"release archive '{archive}' holds '{entry.Name}' of type {entry.EntryType}; a release holds only files and folders", archive);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release archive '{archive}' is not a readable .tar.gz: {e.Message}", archive, e);
        }
    }

    private static ReleaseSource Verify(string directory, string origin, string? unpackedTemp, IReporter reporter)
    {
        var sums = Path.Combine(directory, "SHA256SUMS");
        if (!System.IO.File.Exists(sums))
        {
            throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release '{origin}' has no SHA256SUMS: it was not made by 'build.ps1 Publish'", origin);
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in System.IO.File.ReadLines(sums).Where(l => l.Length > 0))
        {
            // sha256sum format: 64 hex digits, two spaces (or space + '*' for binary mode), the relative path.
            if (line.Length < 67 || line[64] != ' ')
            {
                throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release '{origin}': malformed SHA256SUMS line '{line}'", origin);
            }
            var expected = line[..64];
            var relative = line[66..];
            var path = Path.GetFullPath(Path.Combine(directory, relative));
            if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !System.IO.File.Exists(path))
            {
                throw new NebulaGCException(ErrorIds.ReleaseChecksumMismatch, $"release '{origin}': '{relative}' is listed in SHA256SUMS but missing", origin);
            }
            var actual = Sha256(path);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new NebulaGCException(ErrorIds.ReleaseChecksumMismatch,
                    $"release '{origin}': checksum of '{relative}' is {actual}, SHA256SUMS says {expected}; the release is damaged or was altered, download it again", origin);
            }
            listed.Add(relative);
        }
        foreach (var required in new[] { "VERSION", $"bin/{ServerBinary}", $"bin/{SqliteLibrary}", $"bin/{DaemonBinary}" })
        {
            if (!listed.Contains(required))
            {
                throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release '{origin}' lacks '{required}' (or SHA256SUMS does not cover it)", origin);
            }
        }
        var version = System.IO.File.ReadAllText(Path.Combine(directory, "VERSION")).Trim();
        if (version.Length == 0 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+')))
        {
            throw new NebulaGCException(ErrorIds.ReleaseSourceInvalid, $"release '{origin}': VERSION '{version}' is not a version", origin);
        }
        reporter.Verbose($"release {version} from {origin}: {listed.Count} files match SHA256SUMS");
        return new ReleaseSource(directory, version, origin, unpackedTemp);
    }

    public static string Sha256(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
