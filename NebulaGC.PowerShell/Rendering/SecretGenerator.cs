using System.Security.Cryptography;
using System.Text;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>Cryptographically random secrets (HMAC key, admin token) in the forms deployments consume.</summary>
public static class SecretGenerator
{
    /// <summary>48 random bytes, base64url without padding (64 characters): above the server's 32-byte minimum.</summary>
    public static string NewHmacSecret() => Base64Url(RandomNumberGenerator.GetBytes(48));

    /// <summary>32 random bytes, base64url (43 characters): the token format of SPEC §1.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
