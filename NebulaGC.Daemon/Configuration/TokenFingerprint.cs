using System.Security.Cryptography;
using System.Text;

namespace NebulaGC.Daemon.Configuration;

/// <summary>What may be logged about a token: the first 8 hex characters of its SHA-256.</summary>
public static class TokenFingerprint
{
    public static string Of(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
}
