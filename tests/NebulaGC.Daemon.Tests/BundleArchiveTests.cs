using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

public sealed class BundleArchiveTests : IDisposable
{
    private readonly TempDirectory dir = new();

    private static readonly Dictionary<string, byte[]> Minimal = new()
    {
        ["config.yml"] = "pki: {}\n"u8.ToArray(),
        ["ca.crt"] = "ca"u8.ToArray(),
        ["host.crt"] = "crt"u8.ToArray(),
    };

    public void Dispose() => dir.Dispose();

    private string Target()
    {
        string target = dir.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        return target;
    }

    private string Reject(byte[] bundle, string target)
    {
        var e = Assert.Throws<BundleRejectedException>(() => BundleArchive.Extract(new MemoryStream(bundle), target));
        return e.Message;
    }

    private static byte[] WithExtra(Action<TarWriter> extra) => Bundles.Create(writer =>
    {
        foreach (var (name, content) in Minimal)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }
        extra(writer);
    });

    [Fact]
    public void A_flat_bundle_is_unpacked_with_forced_modes_whatever_the_archive_says()
    {
        var bundle = Bundles.Create(writer =>
        {
            foreach (var (name, content) in Minimal)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b111_111_111 });
            }
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "host.key") { DataStream = new MemoryStream("key"u8.ToArray()), Mode = (UnixFileMode)0b110_100_100 });
        });
        string target = Target();
        var names = BundleArchive.Extract(new MemoryStream(bundle), target);
        Assert.Equal(["config.yml", "ca.crt", "host.crt", "host.key"], names);
        Assert.Equal(BundleArchive.PublicFileMode, File.GetUnixFileMode(Path.Combine(target, "config.yml")));
        Assert.Equal(BundleArchive.SecretFileMode, File.GetUnixFileMode(Path.Combine(target, "host.key")));
        Assert.Equal("crt", File.ReadAllText(Path.Combine(target, "host.crt")));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("../../etc/cron.d/evil")]
    [InlineData("/etc/evil")]
    [InlineData("sub/config.yml")]
    [InlineData("..")]
    public void Entries_with_paths_are_refused_and_nothing_escapes(string name)
    {
        string target = Target();
        string message = Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) })), target);
        Assert.Contains("is not a plain file name", message);
        Assert.False(File.Exists(dir.Combine("evil")));
    }

    [Fact]
    public void A_symlink_is_refused()
    {
        string message = Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "host.key") { LinkName = "/etc/shadow" })), Target());
        Assert.Equal("bundle entry 'host.key' is a symbolic link; only regular files are allowed", message);
    }

    [Fact]
    public void A_hardlink_is_refused()
    {
        Assert.Contains("is a hard link", Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "extra") { LinkName = "config.yml" })), Target()));
    }

    [Fact]
    public void A_device_is_refused()
    {
        Assert.Contains("is a device", Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 })), Target()));
    }

    [Fact]
    public void A_directory_is_refused()
    {
        Assert.Contains("is a directory", Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "sub"))), Target()));
    }

    [Fact]
    public void A_bundle_larger_than_64_MiB_unpacked_is_refused()
    {
        var big = new byte[BundleArchive.MaxUncompressedBytes + 1];
        Assert.Contains("unpacks to more than 64 MiB", Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "big") { DataStream = new MemoryStream(big) })), Target()));
    }

    [Fact]
    public void A_truncated_download_is_refused()
    {
        var bundle = Bundles.Create(Minimal);
        // Where the cut lands depends on the bundle's random keys: inside the gzip stream or inside an entry's data.
        // Both refusals name the truncation.
        Assert.Contains("truncated", Reject(bundle[..(bundle.Length / 2)], Target()));
    }

    [Fact]
    public void Garbage_is_refused()
    {
        Assert.Contains("unpacking the bundle failed", Reject(Encoding.UTF8.GetBytes("<html>not a bundle</html>"), Target()));
    }

    [Fact]
    public void A_bundle_without_a_required_file_is_refused()
    {
        var files = new Dictionary<string, byte[]>(Minimal);
        files.Remove("ca.crt");
        Assert.Equal("the bundle lacks ca.crt", Reject(Bundles.Create(files), Target()));
    }

    [Fact]
    public void A_duplicate_entry_is_refused()
    {
        Assert.Contains("appears twice", Reject(WithExtra(w => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./ca.crt") { DataStream = new MemoryStream("again"u8.ToArray()) })), Target()));
    }
}
