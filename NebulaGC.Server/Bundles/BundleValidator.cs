using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NebulaGC.Client.Platform;
using NebulaGC.Server.Domain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.Server.Bundles;

/// <summary>
/// The rules an uploaded (external-PKI) bundle must pass before it is stored: a gzip'd, flat tar of regular files
/// with the required members and a parseable <c>config.yml</c>, within the size caps.
/// </summary>
public static class BundleValidator
{
    /// <summary>Largest accepted upload, compressed (10 MiB). Larger → 413.</summary>
    public const int MaxCompressedBytes = 10 * 1024 * 1024;

    /// <summary>Largest accepted archive once decompressed (64 MiB): stops gzip bombs.</summary>
    public const int MaxUncompressedBytes = 64 * 1024 * 1024;

    public static readonly IReadOnlyList<string> RequiredFiles = ["config.yml", "ca.crt", "host.crt", "host.key"];

    public static readonly IReadOnlyList<string> OptionalFiles = ["crl.pem", "lighthouses.json"];

    private const string LayoutHint = "bundles are flat: create one with `tar -czf bundle.tar.gz -C DIR config.yml ca.crt host.crt host.key`";

    /// <summary>Validates <paramref name="bundle"/> and returns the names of its files, or throws <see cref="BadRequest"/> / <see cref="PayloadTooLarge"/>.</summary>
    public static IReadOnlyList<string> Validate(ReadOnlySpan<byte> bundle)
    {
        if (bundle.Length > MaxCompressedBytes)
        {
            throw new TooLarge($"bundle is {bundle.Length} bytes; the limit is {MaxCompressedBytes} bytes (10 MiB) compressed");
        }
        if (bundle.Length < 2 || bundle[0] != 0x1f || bundle[1] != 0x8b)
        {
            throw new InvalidInput("bundle is not gzip-compressed: upload a .tar.gz");
        }
        var tar = Decompress(bundle.ToArray());
        var files = ReadEntries(tar);
        var missing = RequiredFiles.Where(name => !files.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInput($"bundle is missing required file(s): {string.Join(", ", missing)}");
        }
        CheckYaml(files["config.yml"]);
        if (files.TryGetValue("lighthouses.json", out var lighthouses))
        {
            CheckJson(lighthouses);
        }
        return files.Keys.Order(StringComparer.Ordinal).ToList();
    }

    private static MemoryStream Decompress(byte[] bundle)
    {
        var output = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bundle), CompressionMode.Decompress);
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxUncompressedBytes)
                {
                    throw new InvalidInput($"bundle expands to more than {MaxUncompressedBytes} bytes (64 MiB) uncompressed");
                }
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidInput($"bundle is not valid gzip: {ex.Message}");
        }
        output.Position = 0;
        return output;
    }

    private static Dictionary<string, byte[]> ReadEntries(Stream tar)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var allowed = RequiredFiles.Concat(OptionalFiles).ToHashSet(StringComparer.Ordinal);
        try
        {
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    throw new InvalidInput($"bundle entry '{name}' is a {TarEntryKinds.Describe(entry.EntryType)}; only regular files are allowed ({LayoutHint})");
                }
                if (name.Contains('/') || name.Contains('\\') || name is "" or "." or "..")
                {
                    throw new InvalidInput($"bundle entry '{name}' is not in the archive root; {LayoutHint}");
                }
                if (!allowed.Contains(name))
                {
                    throw new InvalidInput($"bundle entry '{name}' is not a bundle file; allowed: {string.Join(", ", RequiredFiles.Concat(OptionalFiles))}");
                }
                if (files.ContainsKey(name))
                {
                    throw new InvalidInput($"bundle holds '{name}' twice");
                }
                var content = new MemoryStream();
                entry.DataStream?.CopyTo(content);
                files[name] = content.ToArray();
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidInput($"bundle is not a valid tar archive: {ex.Message}");
        }
        if (files.Count == 0)
        {
            throw new InvalidInput("bundle is not a valid tar archive: it holds no files");
        }
        return files;
    }

    private static void CheckYaml(byte[] content)
    {
        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(Encoding.UTF8.GetString(content)));
            if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode)
            {
                throw new InvalidInput("config.yml is not a Nebula config: it must be one YAML document whose top level is a mapping");
            }
        }
        catch (YamlException ex)
        {
            throw new InvalidInput($"config.yml is not valid YAML: {ex.Message}");
        }
    }

    private static void CheckJson(byte[] content)
    {
        try
        {
            using var _ = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            throw new InvalidInput($"lighthouses.json is not valid JSON: {ex.Message}");
        }
    }
}
