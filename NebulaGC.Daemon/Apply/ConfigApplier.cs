using System.Security.Cryptography;

namespace NebulaGC.Daemon.Apply;

/// <summary>A config that passed every check and waits in <c>config_dir/versions/</c> to be switched to.</summary>
public sealed record StagedConfig(long Version, string Sha256, string DirName, bool HasOwnHostKey);

/// <summary>
/// Turns a downloaded bundle into a tested config directory and switches <c>current</c> to it atomically.
/// Nothing a bundle does can touch the running config: every check happens in a fresh staging directory,
/// and the only change to what nebula uses is one rename of a symlink.
/// </summary>
public sealed class ConfigApplier(ClusterPaths paths, NebulaConfigTester tester)
{
    /// <exception cref="BundleRejectedException">Wrong checksum, unsafe or broken archive, no host key, or <c>nebula -test</c> failed.</exception>
    public async Task<StagedConfig> StageAsync(byte[] bundle, string? expectedSha256, long version, CancellationToken cancellationToken)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(bundle));
        if (string.IsNullOrWhiteSpace(expectedSha256))
        {
            throw new BundleRejectedException("the server sent no X-Nebula-Config-SHA256 header; refusing an unverifiable bundle");
        }
        if (!string.Equals(actual, expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new BundleRejectedException($"bundle checksum mismatch: the server announced SHA-256 {expectedSha256.Trim()}, the {bundle.Length} bytes received hash to {actual} (truncated or altered download)");
        }

        paths.EnsureDirectories();
        string staging = Path.Combine(paths.VersionsDir, $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            IReadOnlyList<string> files;
            using (var stream = new MemoryStream(bundle, writable: false))
            {
                files = BundleArchive.Extract(stream, staging);
            }
            // External PKI: the uploaded bundle carries host.key and it is used as is. Managed PKI: the key never
            // left this node, so the bundle has none and we add ours.
            bool hasOwnHostKey = files.Contains("host.key");
            if (!hasOwnHostKey)
            {
                if (!File.Exists(paths.HostKey))
                {
                    throw new BundleRejectedException($"the bundle has no host.key and this node has no key at '{paths.HostKey}' yet");
                }
                File.Copy(paths.HostKey, Path.Combine(staging, "host.key"));
                File.SetUnixFileMode(Path.Combine(staging, "host.key"), BundleArchive.SecretFileMode);
            }
            await tester.TestAsync(staging, cancellationToken);

            File.SetUnixFileMode(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            AtomicFile.FsyncDirectory(staging);
            string dirName = $"v{version}-{actual[..8]}-{Guid.NewGuid().ToString("N")[..6]}";
            Directory.Move(staging, paths.VersionDir(dirName));
            AtomicFile.FsyncDirectory(paths.VersionsDir);
            return new StagedConfig(version, actual, dirName, hasOwnHostKey);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            throw;
        }
    }

    /// <summary>Points <c>current</c> at <c>versions/<paramref name="dirName"/></c> with one atomic rename.</summary>
    public void Activate(string dirName)
    {
        if (!Directory.Exists(paths.VersionDir(dirName)))
        {
            throw new DirectoryNotFoundException($"config version directory '{paths.VersionDir(dirName)}' does not exist");
        }
        string temp = Path.Combine(paths.ConfigDir, $".current-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temp, Path.Combine("versions", dirName));
        try
        {
            Native.Rename(temp, paths.CurrentLink);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        AtomicFile.FsyncDirectory(paths.ConfigDir);
    }

    /// <summary>The version directory <c>current</c> points to, or null before the first apply.</summary>
    public string? ActiveDirName()
    {
        var link = new FileInfo(paths.CurrentLink);
        return link.LinkTarget is { } target ? Path.GetFileName(target) : null;
    }

    /// <summary>Deletes version directories other than <paramref name="keep"/> (the applied one and the rollback target), and stale staging dirs.</summary>
    public void Prune(params string?[] keep)
    {
        if (!Directory.Exists(paths.VersionsDir))
        {
            return;
        }
        foreach (string dir in Directory.GetDirectories(paths.VersionsDir))
        {
            string name = Path.GetFileName(dir);
            if (!keep.Contains(name))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
