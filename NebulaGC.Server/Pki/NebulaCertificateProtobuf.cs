using Google.Protobuf;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Pki.Protobuf;

namespace NebulaGC.Server.Pki;

/// <summary>
/// Maps Nebula v1 certificates to and from the protobuf messages generated from <c>cert.proto</c> (Google.Protobuf, whose
/// proto3 encoding matches Go's byte for byte: fields in number order, repeated scalars packed, zero values omitted). The
/// byte-exactness matters because the signature covers these bytes and verifiers re-marshal.
/// </summary>
internal static class NebulaCertificateProtobuf
{
    public static byte[] MarshalCertificate(byte[] marshalledDetails, ReadOnlySpan<byte> signature) => new RawNebulaCertificate
    {
        // Go emits a set sub-message even when it is empty; so does Google.Protobuf.
        Details = RawNebulaCertificateDetails.Parser.ParseFrom(marshalledDetails),
        Signature = ByteString.CopyFrom(signature),
    }.ToByteArray();

    public static byte[] MarshalDetails(NebulaCertificateDetails details)
    {
        var raw = new RawNebulaCertificateDetails
        {
            Name = details.Name,
            NotBefore = details.NotBefore.ToUnixTimeSeconds(),
            NotAfter = details.NotAfter.ToUnixTimeSeconds(),
            PublicKey = ByteString.CopyFrom(details.PublicKey),
            IsCA = details.IsCA,
            Issuer = ByteString.CopyFrom(Convert.FromHexString(details.IssuerFingerprint)),
        };
        raw.Ips.AddRange(details.Ips.SelectMany(a => new[] { a.AddressValue, a.MaskValue }));
        raw.Subnets.AddRange(details.Subnets.SelectMany(a => new[] { a.AddressValue, a.MaskValue }));
        raw.Groups.AddRange(details.Groups);
        return raw.ToByteArray();
    }

    public static (NebulaCertificateDetails Details, byte[] Signature) Unmarshal(ReadOnlySpan<byte> data)
    {
        RawNebulaCertificate raw;
        try
        {
            raw = RawNebulaCertificate.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new NebulaPkiFormatException($"malformed certificate protobuf: {exception.Message}", exception);
        }
        var details = raw.Details ?? throw new NebulaPkiFormatException("certificate has no details (protobuf field 1 missing)");
        if ((int)details.Curve != 0)
        {
            throw new NebulaPkiFormatException($"certificate uses curve {(int)details.Curve}; only Curve25519 (0) is supported");
        }
        return (new NebulaCertificateDetails
        {
            Name = details.Name,
            Ips = ToAddresses(details.Ips, "ips"),
            Subnets = ToAddresses(details.Subnets, "subnets"),
            Groups = details.Groups.ToList(),
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(details.NotBefore),
            NotAfter = DateTimeOffset.FromUnixTimeSeconds(details.NotAfter),
            PublicKey = details.PublicKey.ToByteArray(),
            IsCA = details.IsCA,
            IssuerFingerprint = Convert.ToHexStringLower(details.Issuer.Span),
        }, raw.Signature.ToByteArray());
    }

    private static OverlayAddress[] ToAddresses(IReadOnlyList<uint> pairs, string fieldName)
    {
        if (pairs.Count % 2 != 0)
        {
            throw new NebulaPkiFormatException($"certificate {fieldName} must be address/mask pairs, found an odd count ({pairs.Count})");
        }
        var addresses = new OverlayAddress[pairs.Count / 2];
        for (int i = 0; i < addresses.Length; i++)
        {
            try
            {
                addresses[i] = OverlayAddress.FromCertificatePair(pairs[2 * i], pairs[2 * i + 1]);
            }
            catch (FormatException exception)
            {
                throw new NebulaPkiFormatException($"certificate {fieldName} entry {i}: {exception.Message}", exception);
            }
        }
        return addresses;
    }
}
