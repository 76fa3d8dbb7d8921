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

    /// <summary>What a presented hash is compared with when no stored hash exists (unknown id): it never matches.</summary>
    private static readonly byte[] UnknownHash = new byte[32];

    /// <summary>Tokens longer than this are encoded into a heap buffer rather than on the stack.</summary>
    private const int StackEncodedTokenLength = 256;

    // One HMAC context per thread, keyed once: a one-shot HMAC sets the key up again (and OpenSSL 3 looks the algorithm up)
    // for every token, which was most of the cost of authenticating a request.
    private readonly ThreadLocal<IncrementalHash> _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Bytes));
    private long _hashCount;

    /// <summary>HMACs computed so far; tests compare the work of different authentication outcomes with it.</summary>
    internal long HashCount => Interlocked.Read(ref _hashCount);

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    public byte[] Hash(string token)
    {
        Interlocked.Increment(ref _hashCount);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> utf8 = token.Length <= StackEncodedTokenLength ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(token, utf8);
        var hmac = _hmac.Value!;
        hmac.AppendData(utf8[..length]);
        return hmac.GetHashAndReset();
    }

    /// <summary>
    /// HMAC of a presented token, computed whatever it is (empty when absent, too short or malformed), so every
    /// authentication costs the same work.
    /// </summary>
    public byte[] HashPresented(string? token) => Hash(token is { Length: >= MinimumTokenLength } ? token : "");

    /// <summary>Constant-time comparison of a presented hash with a stored one; no stored hash (unknown id) compares against a dummy and fails.</summary>
    public static bool HashesEqual(byte[] presented, byte[]? stored)
    {
        var equal = CryptographicOperations.FixedTimeEquals(presented, stored ?? UnknownHash);
        return equal && stored is not null;
    }

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
