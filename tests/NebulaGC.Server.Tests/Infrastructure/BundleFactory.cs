using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace NebulaGC.Server.Tests.Infrastructure;

/// <summary>Builds external-PKI bundles (tar.gz) — valid ones, and each kind of malformed one.</summary>
public static class BundleFactory
{
    public const string ValidConfig = "pki:\n  ca: ca.crt\n  cert: host.crt\n  key: host.key\nlighthouse:\n  am_lighthouse: false\n";

    public static Dictionary<string, string> ValidFiles() => new()
    {
        ["config.yml"] = ValidConfig,
        ["ca.crt"] = "-----BEGIN NEBULA CERTIFICATE-----\nCkEKD3Rlc3QtY2EAAAAAAAA=\n-----END NEBULA CERTIFICATE-----\n",
        ["host.crt"] = "-----BEGIN NEBULA CERTIFICATE-----\nCkEKD3Rlc3QtaG9zdAAAAAA=\n-----END NEBULA CERTIFICATE-----\n",
        ["host.key"] = "-----BEGIN NEBULA X25519 PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n-----END NEBULA X25519 PRIVATE KEY-----\n",
    };

    public static byte[] Valid() => Build(ValidFiles().Select(f => RegularFile(f.Key, f.Value)));

    public static TarEntry RegularFile(string name, string content) => RegularFile(name, Encoding.UTF8.GetBytes(content));

    public static TarEntry RegularFile(string name, byte[] content) =>
        new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite };

    public static byte[] Build(IEnumerable<TarEntry> entries) => Gzip(Tar(entries));

    public static byte[] Tar(IEnumerable<TarEntry> entries)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>The valid files plus <paramref name="extra"/> entries (or with some left out).</summary>
    public static byte[] ValidWith(IEnumerable<TarEntry> extra, params string[] without) =>
        Build(ValidFiles().Where(f => !without.Contains(f.Key)).Select(f => RegularFile(f.Key, f.Value)).Concat(extra));
}
