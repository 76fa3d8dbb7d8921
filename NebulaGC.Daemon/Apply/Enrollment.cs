using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// The certificate the control plane last signed for this node's key (managed PKI), kept in
/// <c>state_dir/clusters/&lt;name&gt;/enrollment.json</c>. Signing revokes the previous certificate and moves the
/// cluster's version (every node's blocklist changes), so the daemon asks only when needed: a new key, or a
/// certificate in its last third of life — never merely because the daemon restarted.
/// </summary>
public sealed record Enrollment(string PublicKeySha256, string Fingerprint, DateTimeOffset IssuedAt, DateTimeOffset NotAfter)
{
    public static string KeyDigest(string publicKeyPem) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(publicKeyPem)));

    /// <summary>True when this enrollment still covers <paramref name="publicKeyPem"/> at <paramref name="now"/>.</summary>
    public bool IsCurrent(string publicKeyPem, DateTimeOffset now) =>
        PublicKeySha256 == KeyDigest(publicKeyPem) && now < NotAfter - (NotAfter - IssuedAt) / 3;

    public static Enrollment? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), EnrollmentJsonContext.Default.Enrollment);
        }
        catch (JsonException)
        {
            return null; // unreadable: ask for a new certificate
        }
    }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, EnrollmentJsonContext.Default.Enrollment), BundleArchive.PublicFileMode);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(Enrollment))]
internal sealed partial class EnrollmentJsonContext : JsonSerializerContext;
