using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace NebulaGC.Client.Pki;

/// <summary>
/// A Nebula host key pair (Curve25519 / X25519). The daemon generates it on the node and only the public key
/// ever leaves the node; the control plane generates one for each lighthouse process it runs.
/// </summary>
public sealed class X25519KeyPair
{
    /// <summary>Length of both the private and the public key, in bytes.</summary>
    public const int KeyLength = 32;

    private readonly byte[] privateKey;
    private readonly byte[] publicKey;

    private X25519KeyPair(byte[] privateKey, byte[] publicKey)
    {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /// <summary>The 32-byte public key (what the host certificate carries).</summary>
    public ReadOnlySpan<byte> PublicKey => publicKey;

    /// <summary>The 32-byte private key. Never log or transmit it.</summary>
    public ReadOnlySpan<byte> PrivateKey => privateKey;

    /// <summary>Generates a fresh key pair from the OS random number generator.</summary>
    public static X25519KeyPair Generate()
    {
        // Like nebula-cert keygen: 32 random bytes; X25519 clamps the scalar itself when deriving the public key.
        byte[] privateKey = RandomNumberGenerator.GetBytes(KeyLength);
        return new X25519KeyPair(privateKey, DerivePublicKey(privateKey));
    }

    /// <summary>Reads a key pair from a <c>NEBULA X25519 PRIVATE KEY</c> PEM (e.g. <c>host.key</c>); the public key is derived.</summary>
    /// <exception cref="NebulaPkiFormatException">Not an X25519 private key PEM of 32 bytes.</exception>
    public static X25519KeyPair FromPrivateKeyPem(string pem)
    {
        byte[] privateKey = NebulaPem.DecodeSingle(pem, NebulaPem.X25519PrivateKeyType, KeyLength);
        return new X25519KeyPair(privateKey, DerivePublicKey(privateKey));
    }

    /// <summary>Reads the 32-byte public key from a <c>NEBULA X25519 PUBLIC KEY</c> PEM.</summary>
    /// <exception cref="NebulaPkiFormatException">Not an X25519 public key PEM of 32 bytes.</exception>
    public static byte[] PublicKeyFromPem(string pem) =>
        NebulaPem.DecodeSingle(pem, NebulaPem.X25519PublicKeyType, KeyLength);

    /// <summary>The private key as <c>NEBULA X25519 PRIVATE KEY</c> PEM (the content of <c>host.key</c>).</summary>
    public string PrivateKeyPem() => NebulaPem.Encode(NebulaPem.X25519PrivateKeyType, privateKey);

    /// <summary>The public key as <c>NEBULA X25519 PUBLIC KEY</c> PEM (what the daemon submits for signing).</summary>
    public string PublicKeyPem() => NebulaPem.Encode(NebulaPem.X25519PublicKeyType, publicKey);

    private static byte[] DerivePublicKey(byte[] privateKey)
    {
        var publicKey = new byte[KeyLength];
        X25519.GeneratePublicKey(privateKey, 0, publicKey, 0);
        return publicKey;
    }
}
