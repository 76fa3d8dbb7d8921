using System.Security.Cryptography;
using NebulaGC.Client.Pki;

namespace NebulaGC.Server.Pki;

/// <summary>
/// A Nebula v1 certificate: <see cref="Details"/> plus the Ed25519 signature of their protobuf encoding.
/// Immutable; the raw encoding and the fingerprint are computed once.
/// </summary>
public sealed class NebulaCertificate
{
    private readonly byte[] marshalledDetails;
    private readonly byte[] signature;
    private byte[]? marshalled;
    private string? fingerprint;

    private NebulaCertificate(NebulaCertificateDetails details, byte[] marshalledDetails, byte[] signature)
    {
        Details = details;
        this.marshalledDetails = marshalledDetails;
        this.signature = signature;
    }

    /// <summary>The signed content.</summary>
    public NebulaCertificateDetails Details { get; }

    /// <summary>The 64-byte Ed25519 signature over <see cref="MarshalDetails"/>.</summary>
    public ReadOnlySpan<byte> Signature => signature;

    /// <summary>
    /// Lowercase hex SHA-256 of <see cref="Marshal"/>: what <c>nebula-cert print</c> shows as fingerprint,
    /// what <c>pki.blocklist</c> lists and what a signed certificate's issuer field refers to.
    /// </summary>
    public string Fingerprint => fingerprint ??= Convert.ToHexStringLower(SHA256.HashData(Marshal()));

    /// <summary>Signs <paramref name="details"/> with <paramref name="signer"/> (the issuing CA's key, or the CA's own key when self-signing).</summary>
    public static NebulaCertificate Sign(NebulaCertificateDetails details, Ed25519KeyPair signer)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(signer);
        byte[] body = NebulaCertificateProtobuf.MarshalDetails(details);
        return new NebulaCertificate(details, body, signer.Sign(body));
    }

    /// <summary>Reads a certificate from its protobuf encoding.</summary>
    /// <exception cref="NebulaPkiFormatException">Malformed protobuf or unsupported content.</exception>
    public static NebulaCertificate Unmarshal(ReadOnlySpan<byte> raw)
    {
        (NebulaCertificateDetails details, byte[] signature) = NebulaCertificateProtobuf.Unmarshal(raw);
        // Keep the re-marshalled form, as Go does: the signature is checked against what we would write.
        return new NebulaCertificate(details, NebulaCertificateProtobuf.MarshalDetails(details), signature);
    }

    /// <summary>Reads the single certificate of a <c>NEBULA CERTIFICATE</c> PEM.</summary>
    /// <exception cref="NebulaPkiFormatException">Not exactly one certificate PEM block, or a malformed certificate.</exception>
    public static NebulaCertificate FromPem(string pem) =>
        Unmarshal(NebulaPem.DecodeSingle(pem, NebulaPem.CertificateType));

    /// <summary>Reads every certificate of a PEM bundle (e.g. a <c>ca.crt</c> holding old and new CA during rotation).</summary>
    /// <exception cref="NebulaPkiFormatException">A block of another type or a malformed certificate.</exception>
    public static IReadOnlyList<NebulaCertificate> FromPemBundle(string pem)
    {
        IReadOnlyList<PemBlock> blocks = NebulaPem.DecodeAll(pem);
        var certificates = new NebulaCertificate[blocks.Count];
        for (int i = 0; i < blocks.Count; i++)
        {
            certificates[i] = Unmarshal(NebulaPem.CheckBlock(blocks[i], NebulaPem.CertificateType));
        }
        return certificates;
    }

    /// <summary>The protobuf encoding of the details alone: the bytes the signature covers.</summary>
    public byte[] MarshalDetails() => (byte[])marshalledDetails.Clone();

    /// <summary>The protobuf encoding of the whole certificate (the PEM payload).</summary>
    public byte[] Marshal() =>
        marshalled ??= NebulaCertificateProtobuf.MarshalCertificate(marshalledDetails, signature);

    /// <summary>The certificate as <c>NEBULA CERTIFICATE</c> PEM, e.g. the content of <c>host.crt</c>.</summary>
    public string ToPem() => NebulaPem.Encode(NebulaPem.CertificateType, Marshal());

    /// <summary>Whether the signature is valid for the Ed25519 public key <paramref name="signerPublicKey"/>.</summary>
    public bool IsSignedBy(ReadOnlySpan<byte> signerPublicKey) =>
        Ed25519KeyPair.Verify(signerPublicKey, marshalledDetails, signature);

    /// <summary>Whether <paramref name="instant"/> lies within the validity window (both ends inclusive, as in Nebula).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= Details.NotBefore && instant <= Details.NotAfter;
}
