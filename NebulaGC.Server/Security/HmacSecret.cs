using System.Text;

namespace NebulaGC.Server.Security;

/// <summary>The server secret every token hash and derived key depends on (≥ 32 bytes).</summary>
public sealed class HmacSecret
{
    public const int MinimumBytes = 32;
    public const string EnvironmentVariable = "NEBULAGC_HMAC_SECRET";
    public const string FileEnvironmentVariable = "NEBULAGC_HMAC_SECRET_FILE";

    private HmacSecret(byte[] bytes) => Bytes = bytes;

    internal byte[] Bytes { get; }

    public static HmacSecret FromString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < MinimumBytes)
        {
            throw new SecretConfigurationError($"the HMAC secret is {bytes.Length} bytes; it must be at least {MinimumBytes} (generate one with: openssl rand -base64 48)");
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
                throw new SecretConfigurationError($"reading the HMAC secret file '{file}' failed: {ex.Message}");
            }
            return FromString(content.TrimEnd('\r', '\n'));
        }
        var value = environment(EnvironmentVariable);
        if (string.IsNullOrEmpty(value))
        {
            throw new SecretConfigurationError($"no HMAC secret: set {EnvironmentVariable} (at least {MinimumBytes} bytes) or point {FileEnvironmentVariable} / --hmac-secret-file at a file holding it");
        }
        return FromString(value);
    }
}

public sealed class SecretConfigurationError(string message) : Exception(message);
