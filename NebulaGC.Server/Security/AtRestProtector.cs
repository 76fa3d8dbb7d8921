using System.Security.Cryptography;
using System.Text;

namespace NebulaGC.Server.Security;

/// <summary>
/// Encrypts secrets stored in the database with AES-256-GCM under a key derived (HKDF-SHA256) from the server HMAC
/// secret, one key per purpose. Blob layout, version 1: <c>version (1 byte) ‖ nonce (12) ‖ tag (16) ‖ ciphertext</c>. The
/// <c>boundTo</c> value (e.g. the cluster id) is authenticated as associated data, so a blob copied elsewhere does not decrypt.
/// </summary>
public abstract class AtRestProtector
{
    /// <summary>The blob format this class writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Minimum length of the server secret, in bytes (SPEC: <c>NEBULAGC_HMAC_SECRET</c> ≥ 32 bytes).</summary>
    public const int MinimumSecretLength = 32;

    private const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + NonceLength + TagLength;

    private readonly byte[] _encryptionKey;
    private readonly string _what;

    /// <param name="serverSecret">The server HMAC secret.</param>
    /// <param name="purpose">The derivation label: a label of its own keeps this key independent of every other key derived from the secret.</param>
    /// <param name="what">What is protected, for error messages ("CA private key").</param>
    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinimumSecretLength"/> bytes.</exception>
    protected AtRestProtector(ReadOnlySpan<byte> serverSecret, string purpose, string what)
    {
        if (serverSecret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"the server secret must be at least {MinimumSecretLength} bytes", nameof(serverSecret));
        }
        _encryptionKey = HmacSecret.DeriveKey(serverSecret, purpose, KeyLength);
        _what = what;
    }

    /// <summary>Encrypts <paramref name="secret"/>; a fresh random nonce makes every blob different.</summary>
    /// <param name="boundTo">Context the blob belongs to (e.g. the cluster id); the same value is needed to decrypt.</param>
    public byte[] Protect(ReadOnlySpan<byte> secret, string boundTo)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        var blob = new byte[HeaderLength + secret.Length];
        blob[0] = CurrentVersion;
        Span<byte> nonce = blob.AsSpan(1, NonceLength);
        Span<byte> tag = blob.AsSpan(1 + NonceLength, TagLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagLength);
        aes.Encrypt(nonce, secret, blob.AsSpan(HeaderLength), tag, Encoding.UTF8.GetBytes(boundTo));
        return blob;
    }

    /// <summary>Decrypts a blob written by <see cref="Protect"/>.</summary>
    /// <exception cref="AtRestDecryptionException">
    /// Unknown version, truncated blob, or authentication failed (other server secret, other <paramref name="boundTo"/>, or tampering).
    /// </exception>
    public byte[] Unprotect(ReadOnlySpan<byte> blob, string boundTo)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        if (blob.Length < HeaderLength)
        {
            throw new AtRestDecryptionException($"the encrypted {_what} is truncated ({blob.Length} bytes, at least {HeaderLength} expected)");
        }
        if (blob[0] != CurrentVersion)
        {
            throw new AtRestDecryptionException($"the encrypted {_what} has format version {blob[0]}; this server reads version {CurrentVersion}");
        }
        var secret = new byte[blob.Length - HeaderLength];
        using var aes = new AesGcm(_encryptionKey, TagLength);
        try
        {
            aes.Decrypt(blob.Slice(1, NonceLength), blob[HeaderLength..], blob.Slice(1 + NonceLength, TagLength), secret, Encoding.UTF8.GetBytes(boundTo));
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new AtRestDecryptionException(
                $"the {_what} could not be decrypted: NEBULAGC_HMAC_SECRET differs from the secret it was encrypted with, "
                + "or the stored data is damaged; restore the original secret", exception);
        }
        return secret;
    }
}

/// <summary>A secret stored in the database could not be decrypted. The message says why and what to check; it holds no secret.</summary>
public sealed class AtRestDecryptionException : Exception
{
    public AtRestDecryptionException(string message) : base(message)
    {
    }

    public AtRestDecryptionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
