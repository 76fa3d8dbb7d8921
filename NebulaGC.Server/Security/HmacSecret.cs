using System.Security.Cryptography;
using System.Text;
using NebulaGC.Server.Configuration;

namespace NebulaGC.Server.Security;

/// <summary>
/// The server secret every token hash and derived key depends on (≥ 32 bytes). Keys for other purposes (CA key encryption,
/// replica heartbeats) are derived here and only here, each under its own label, so none ever equals the secret or another.
/// </summary>
public sealed class HmacSecret
{
    public const int MinimumBytes = 32;
    public const string EnvironmentVariable = "NEBULAGC_HMAC_SECRET";
    public const string FileEnvironmentVariable = "NEBULAGC_HMAC_SECRET_FILE";

    private HmacSecret(byte[] bytes) => Bytes = bytes;

    internal byte[] Bytes { get; }

    /// <summary>A <paramref name="length"/>-byte key for one <paramref name="purpose"/> (e.g. <c>replica-heartbeat/v1</c>).</summary>
    public byte[] DeriveKey(string purpose, int length = 32) => DeriveKey(Bytes, purpose, length);

    /// <summary>HKDF-SHA256 of <paramref name="secret"/> with no salt and the info <c>nebulagc/&lt;purpose&gt;</c>.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> secret, string purpose, int length = 32) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), length, salt: [], info: Encoding.UTF8.GetBytes("nebulagc/" + purpose));

    public static HmacSecret FromString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < MinimumBytes)
        {
            throw new ConfigurationError($"the HMAC secret is {bytes.Length} bytes; it must be at least {MinimumBytes} (generate one with: openssl rand -base64 48)");
        }
        return new HmacSecret(bytes);
    }

    /// <summary>
    /// Loads the secret from <paramref name="secretFile"/> (flag), else <c>NEBULAGC_HMAC_SECRET_FILE</c>, else
    /// <c>NEBULAGC_HMAC_SECRET</c>. A trailing newline in a file is ignored.
    /// </summary>
    public static HmacSecret Load(string? secretFile, Func<string, string?> environment)
    {
        var file = secretFile ?? environment(FileEnvironmentVariable);
        if (!string.IsNullOrEmpty(file))
        {
            string content;
            try
            {
                content = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationError($"reading the HMAC secret file '{file}' failed: {ex.Message}");
            }
            return FromString(content.TrimEnd('\r', '\n'));
        }
        var value = environment(EnvironmentVariable);
        if (string.IsNullOrEmpty(value))
        {
            throw new ConfigurationError($"no HMAC secret: set {EnvironmentVariable} (at least {MinimumBytes} bytes) or point {FileEnvironmentVariable} / --hmac-secret-file at a file holding it");
        }
        return FromString(value);
    }
}
