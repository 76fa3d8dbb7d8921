using System.Security.Cryptography;
using NebulaGC.Client.Pki;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace NebulaGC.Server.Pki;

/// <summary>
/// An Ed25519 key pair, the key type of Nebula certificate authorities. Nebula stores the private key as 64 bytes:
/// the 32-byte seed followed by the 32-byte public key (Go's <c>ed25519.PrivateKey</c>).
/// </summary>
public sealed class Ed25519KeyPair
{
    /// <summary>Length of the seed and of the public key, in bytes.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of the Nebula private key encoding (seed ‖ public key), in bytes.</summary>
    public const int PrivateKeyLength = 64;

    /// <summary>Length of a signature, in bytes.</summary>
    public const int SignatureLength = 64;

    private readonly byte[] seed;
    private readonly byte[] publicKey;

    private Ed25519KeyPair(byte[] seed, byte[] publicKey)
    {
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => publicKey;

    /// <summary>Generates a fresh key pair from the OS random number generator.</summary>
    public static Ed25519KeyPair Generate()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(KeyLength);
        var publicKey = new byte[KeyLength];
        Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
        return new Ed25519KeyPair(seed, publicKey);
    }

    /// <summary>Reads the 64-byte Nebula private key encoding (seed ‖ public key).</summary>
    /// <exception cref="NebulaPkiFormatException">Wrong length, or the public half does not belong to the seed.</exception>
    public static Ed25519KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new NebulaPkiFormatException(
                $"an Ed25519 private key must be {PrivateKeyLength} bytes (seed and public key), this one is {privateKey.Length} bytes");
        }
        byte[] seed = privateKey[..KeyLength].ToArray();
        var publicKey = new byte[KeyLength];
        Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
        if (!CryptographicOperations.FixedTimeEquals(publicKey, privateKey[KeyLength..]))
        {
            throw new NebulaPkiFormatException("the Ed25519 private key is inconsistent: its public half does not match its seed");
        }
        return new Ed25519KeyPair(seed, publicKey);
    }

    /// <summary>Reads a <c>NEBULA ED25519 PRIVATE KEY</c> PEM (as written by <c>nebula-cert ca</c>).</summary>
    /// <exception cref="NebulaPkiFormatException">Wrong PEM type, wrong length or inconsistent key.</exception>
    public static Ed25519KeyPair FromPrivateKeyPem(string pem) =>
        FromPrivateKey(NebulaPem.DecodeSingle(pem, NebulaPem.Ed25519PrivateKeyType, PrivateKeyLength));

    /// <summary>Reads the 32-byte key of a <c>NEBULA ED25519 PUBLIC KEY</c> PEM.</summary>
    /// <exception cref="NebulaPkiFormatException">Wrong PEM type or length.</exception>
    public static byte[] PublicKeyFromPem(string pem) =>
        NebulaPem.DecodeSingle(pem, NebulaPem.Ed25519PublicKeyType, KeyLength);

    /// <summary>The 64-byte private key encoding (seed ‖ public key). Secret: encrypt before storing, never log.</summary>
    public byte[] ExportPrivateKey()
    {
        var privateKey = new byte[PrivateKeyLength];
        seed.CopyTo(privateKey, 0);
        publicKey.CopyTo(privateKey, KeyLength);
        return privateKey;
    }

    /// <summary>The private key as <c>NEBULA ED25519 PRIVATE KEY</c> PEM. Secret.</summary>
    public string PrivateKeyPem()
    {
        byte[] privateKey = ExportPrivateKey();
        try
        {
            return NebulaPem.Encode(NebulaPem.Ed25519PrivateKeyType, privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>The public key as <c>NEBULA ED25519 PUBLIC KEY</c> PEM.</summary>
    public string PublicKeyPem() => NebulaPem.Encode(NebulaPem.Ed25519PublicKeyType, publicKey);

    /// <summary>Signs <paramref name="message"/>; returns the 64-byte signature.</summary>
    public byte[] Sign(byte[] message)
    {
        var signature = new byte[SignatureLength];
        // Passing the public key avoids re-deriving it (a scalar multiplication) on every signature.
        Ed25519.Sign(seed, 0, publicKey, 0, message, 0, message.Length, signature, 0);
        return signature;
    }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, byte[] message, ReadOnlySpan<byte> signature) =>
        publicKey.Length == KeyLength
        && signature.Length == SignatureLength
        && Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, message, 0, message.Length);
}
