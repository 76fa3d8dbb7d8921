using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Tests.Pki;

namespace NebulaGC.Server.Tests.NebulaConfig;

public sealed class NebulaBundleWriterTests
{
    private const string HostCertificatePem = "-----BEGIN NEBULA CERTIFICATE-----\nAAAA\n-----END NEBULA CERTIFICATE-----\n";

    [Fact]
    public void SameInput_GivesIdenticalBytes_AndTheSha256OfThem()
    {
        NebulaConfigInput input = NebulaConfigRendererTests.PlainNode();

        NebulaBundle first = NodeBundleBuilder.Build(input, NebulaConfigRendererTests.CaPem, HostCertificatePem);
        NebulaBundle second = NodeBundleBuilder.Build(input with { Relays = [.. input.Relays] }, NebulaConfigRendererTests.CaPem, HostCertificatePem);

        Assert.Equal(first.Content, second.Content);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first.Content)), first.Sha256);
    }

    [Fact]
    public void Bundle_HoldsFlatRegularFiles_Sorted_WithMode0644_AndTheGivenMtime()
    {
        var mtime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        NebulaBundle bundle = NodeBundleBuilder.Build(NebulaConfigRendererTests.PlainNode(), NebulaConfigRendererTests.CaPem, HostCertificatePem, mtime);

        List<(TarEntry Entry, byte[] Content)> entries = ReadEntries(bundle.Content);
        Assert.Equal(["ca.crt", "config.yml", "host.crt", "lighthouses.json"], entries.Select(item => item.Entry.Name));
        Assert.All(entries, item =>
        {
            Assert.Equal(TarEntryType.RegularFile, item.Entry.EntryType);
            Assert.Equal(NebulaBundleWriter.FileMode, item.Entry.Mode);
            Assert.Equal(mtime, item.Entry.ModificationTime);
            Assert.DoesNotContain('/', item.Entry.Name);
        });
        Assert.Equal(HostCertificatePem, Encoding.UTF8.GetString(entries.Single(item => item.Entry.Name == "host.crt").Content));
        Assert.DoesNotContain(entries, item => item.Entry.Name == "host.key");
    }

    [Fact]
    public void DefaultMtime_IsTheUnixEpoch()
    {
        NebulaBundle bundle = NebulaBundleWriter.Write([new NebulaBundleFile("config.yml", "x"u8.ToArray())]);

        Assert.Equal(DateTimeOffset.UnixEpoch, ReadEntries(bundle.Content).Single().Entry.ModificationTime);
    }

    [Fact]
    public void UnpackedBundle_PlusTheNodeKey_PassesNebulaTest()
    {
        using var directory = new TempDirectory();
        NebulaConfigInput input = NebulaConfigRendererTests.PlainNode();
        NebulaConfigRendererTests.WriteNodeFiles(directory, input.Node);
        string hostCertificate = directory.Read("host.crt");
        foreach (string file in new[] { "ca.crt", "host.crt" })
        {
            File.Delete(directory.Combine(file));
        }

        NebulaBundle bundle = NodeBundleBuilder.Build(input, NebulaConfigRendererTests.CaPem, hostCertificate);
        foreach ((TarEntry entry, byte[] content) in ReadEntries(bundle.Content))
        {
            File.WriteAllBytes(directory.Combine(entry.Name), content);
        }

        ProcessResult test = NebulaTools.Nebula(directory.Path, "-test", "-config", "config.yml");
        Assert.True(test.ExitCode == 0, test.Describe());
        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
    }

    [Fact]
    public void LighthousesJson_ListsTheNodesLighthousesAndRelays()
    {
        NebulaBundle bundle = NodeBundleBuilder.Build(NebulaConfigRendererTests.PlainNode(), NebulaConfigRendererTests.CaPem, HostCertificatePem);

        using JsonDocument json = JsonDocument.Parse(ReadEntries(bundle.Content).Single(item => item.Entry.Name == "lighthouses.json").Content);

        JsonElement[] lighthouses = json.RootElement.GetProperty("lighthouses").EnumerateArray().ToArray();
        Assert.Equal(["10.42.0.1", "10.42.255.1"], lighthouses.Select(lighthouse => lighthouse.GetProperty("overlay_ip").GetString()));
        Assert.Equal([false, true], lighthouses.Select(lighthouse => lighthouse.GetProperty("control_plane").GetBoolean()));
        Assert.Equal(["203.0.113.10:4242"], lighthouses[0].GetProperty("endpoints").EnumerateArray().Select(endpoint => endpoint.GetString()));
        Assert.Equal(["10.42.0.9"], json.RootElement.GetProperty("relays").EnumerateArray().Select(relay => relay.GetString()));
    }

    [Theory]
    [InlineData("etc/config.yml")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("a\\b")]
    public void Writer_RejectsNamesThatAreNotFlat(string name)
    {
        Assert.Throws<ArgumentException>(() => NebulaBundleWriter.Write([new NebulaBundleFile(name, "x"u8.ToArray())]));
    }

    [Fact]
    public void Writer_RejectsADuplicateName()
    {
        Assert.Throws<ArgumentException>(() => NebulaBundleWriter.Write(
            [new NebulaBundleFile("ca.crt", "a"u8.ToArray()), new NebulaBundleFile("ca.crt", "b"u8.ToArray())]));
    }

    private static List<(TarEntry Entry, byte[] Content)> ReadEntries(byte[] bundle)
    {
        var entries = new List<(TarEntry, byte[])>();
        using var gzip = new GZipStream(new MemoryStream(bundle), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry(copyData: true) is TarEntry entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add((entry, content.ToArray()));
        }
        return entries;
    }
}
