using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>Builds config bundles (tar.gz) the way the server does, and malicious ones the way an attacker would.</summary>
public static class Bundles
{
    public static byte[] Create(IReadOnlyDictionary<string, byte[]> files) =>
        Create(writer =>
        {
            foreach (var (name, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
                writer.WriteEntry(entry);
            }
        });

    public static byte[] Create(Action<TarWriter> write)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }
        return output.ToArray();
    }

    public static string Sha256(byte[] bundle) => Convert.ToHexStringLower(SHA256.HashData(bundle));
}
