using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Ha;

/// <summary>
/// Authenticates replica heartbeats: HMAC-SHA256 over <c>timestamp \n body</c> with a key derived from the HMAC secret
/// (never the secret itself), accepted within <see cref="MaxSkew"/> of the master's clock.
/// </summary>
public sealed class HeartbeatSigner(HmacSecret secret, TimeProvider time)
{
    public const string TimestampHeader = "X-Nebula-Heartbeat-Timestamp";
    public const string SignatureHeader = "X-Nebula-Heartbeat-Signature";

    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(60);

    private readonly byte[] _key = secret.DeriveKey("replica-heartbeat/v1");

    public (string Timestamp, string Signature) Sign(ReadOnlySpan<byte> body)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (timestamp, Convert.ToHexStringLower(Mac(timestamp, body)));
    }

    /// <summary>Null when the heartbeat is authentic and fresh; otherwise the reason (for the log only).</summary>
    public string? Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "missing or malformed timestamp";
        }
        if ((time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).Duration() > MaxSkew)
        {
            return "timestamp outside the allowed clock skew";
        }
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature ?? "");
        }
        catch (FormatException)
        {
            return "malformed signature";
        }
        return CryptographicOperations.FixedTimeEquals(presented, Mac(timestamp, body)) ? null : "signature mismatch";
    }

    private byte[] Mac(string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp + "\n");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(_key, message);
    }
}
