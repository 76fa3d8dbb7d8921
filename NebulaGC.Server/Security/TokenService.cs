using System.Security.Cryptography;
using System.Text;

namespace NebulaGC.Server.Security;

/// <summary>
/// Node and cluster tokens: 32 random bytes, base64url (43 characters). Only HMAC-SHA256(secret, token) is stored,
/// compared in constant time; logs carry <see cref="Fingerprint"/>, never a token.
/// </summary>
public sealed class TokenService(HmacSecret secret)
{
    /// <summary>Shorter presented tokens are rejected before hashing (SPEC: tokens are at least 41 characters).</summary>
    public const int MinimumTokenLength = 41;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    public byte[] Hash(string token) => HMACSHA256.HashData(secret.Bytes, Encoding.UTF8.GetBytes(token));

    public bool Matches(string? token, byte[]? storedHash)
    {
        if (token is null || storedHash is null || token.Length < MinimumTokenLength)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);
    }

    /// <summary>The first 8 hex characters of SHA-256(token): enough to correlate log lines, useless to an attacker.</summary>
    public static string Fingerprint(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "none";
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
    }
}

internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
