using System.Security.Cryptography;
using System.Text;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Pki;

/// <summary>
/// Encrypts CA private keys at rest with AES-256-GCM under a key derived (HKDF-SHA256) from the server HMAC secret.
/// Blob layout, version 1: <c>version (1 byte) ‖ nonce (12) ‖ tag (16) ‖ ciphertext</c>. The <c>boundTo</c> value
/// (e.g. the cluster id) is authenticated as associated data, so a blob copied onto another cluster does not decrypt.
/// </summary>
public sealed class CaKeyProtector
{
    /// <summary>The blob format this class writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Minimum length of the server secret, in bytes (SPEC: <c>NEBULAGC_HMAC_SECRET</c> ≥ 32 bytes).</summary>
    public const int MinimumSecretLength = 32;

    private const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + NonceLength + TagLength;

    // A label of its own keeps this key independent of every other key derived from the same secret.
    private const string DerivationPurpose = "ca-key-encryption/v1";

    private readonly byte[] encryptionKey;

    /// <summary>Derives the encryption key from the server HMAC secret.</summary>
    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinimumSecretLength"/> bytes.</exception>
    public CaKeyProtector(ReadOnlySpan<byte> serverSecret)
    {
        if (serverSecret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"the server secret must be at least {MinimumSecretLength} bytes", nameof(serverSecret));
        }
        encryptionKey = HmacSecret.DeriveKey(serverSecret, DerivationPurpose, KeyLength);
    }

    /// <summary>Encrypts <paramref name="privateKey"/>; a fresh random nonce makes every blob different.</summary>
    /// <param name="privateKey">The secret to protect, e.g. <see cref="CertificateAuthority.ExportPrivateKey"/>.</param>
    /// <param name="boundTo">Context the blob belongs to (e.g. the cluster id); the same value is needed to decrypt.</param>
    public byte[] Protect(ReadOnlySpan<byte> privateKey, string boundTo)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        var blob = new byte[HeaderLength + privateKey.Length];
        blob[0] = CurrentVersion;
        Span<byte> nonce = blob.AsSpan(1, NonceLength);
        Span<byte> tag = blob.AsSpan(1 + NonceLength, TagLength);
        Span<byte> ciphertext = blob.AsSpan(HeaderLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(encryptionKey, TagLength);
        aes.Encrypt(nonce, privateKey, ciphertext, tag, Encoding.UTF8.GetBytes(boundTo));
        return blob;
    }

    /// <summary>Decrypts a blob written by <see cref="Protect"/>.</summary>
    /// <exception cref="CaKeyDecryptionException">
    /// Unknown version, truncated blob, or authentication failed (other server secret, other <paramref name="boundTo"/>, or tampering).
    /// </exception>
    public byte[] Unprotect(ReadOnlySpan<byte> blob, string boundTo)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        if (blob.Length < HeaderLength)
        {
            throw new CaKeyDecryptionException($"the encrypted CA key is truncated ({blob.Length} bytes, at least {HeaderLength} expected)");
        }
        if (blob[0] != CurrentVersion)
        {
            throw new CaKeyDecryptionException($"the encrypted CA key has format version {blob[0]}; this server reads version {CurrentVersion}");
        }
        var privateKey = new byte[blob.Length - HeaderLength];
        using var aes = new AesGcm(encryptionKey, TagLength);
        try
        {
            aes.Decrypt(blob.Slice(1, NonceLength), blob[HeaderLength..], blob.Slice(1 + NonceLength, TagLength), privateKey, Encoding.UTF8.GetBytes(boundTo));
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new CaKeyDecryptionException(
                "the CA private key could not be decrypted: NEBULAGC_HMAC_SECRET differs from the secret it was encrypted with, "
                + "or the stored key is damaged; restore the original secret", exception);
        }
        return privateKey;
    }
}
