using System.Buffers;
using System.Text;
using NebulaGC.Client.Pki;

namespace NebulaGC.Server.Pki;

/// <summary>
/// The protobuf encoding of Nebula v1 certificates (cert.proto), written by hand so that it stays AOT-friendly and
/// matches Go's proto3 marshaller byte for byte: fields in number order, repeated scalars packed, zero values
/// omitted. The byte-exactness matters because the signature covers these bytes and verifiers re-marshal.
/// </summary>
internal static class NebulaCertificateProtobuf
{
    // RawNebulaCertificate
    private const int CertificateDetailsField = 1;
    private const int CertificateSignatureField = 2;

    // RawNebulaCertificateDetails
    private const int NameField = 1;
    private const int IpsField = 2;
    private const int SubnetsField = 3;
    private const int GroupsField = 4;
    private const int NotBeforeField = 5;
    private const int NotAfterField = 6;
    private const int PublicKeyField = 7;
    private const int IsCAField = 8;
    private const int IssuerField = 9;
    private const int CurveField = 100;

    private const int VarintWireType = 0;
    private const int Fixed64WireType = 1;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    /// <summary>The only curve NebulaGC issues and accepts (enum value 0, so it is never written).</summary>
    private const ulong Curve25519 = 0;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] MarshalCertificate(byte[] marshalledDetails, ReadOnlySpan<byte> signature)
    {
        var writer = new ArrayBufferWriter<byte>(marshalledDetails.Length + signature.Length + 8);
        // Go emits a set sub-message even when it is empty, so the details field is always written.
        WriteTag(writer, CertificateDetailsField, LengthDelimitedWireType);
        WriteBytesValue(writer, marshalledDetails);
        if (!signature.IsEmpty)
        {
            WriteTag(writer, CertificateSignatureField, LengthDelimitedWireType);
            WriteBytesValue(writer, signature);
        }
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] MarshalDetails(NebulaCertificateDetails details)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        if (details.Name.Length > 0)
        {
            WriteTag(writer, NameField, LengthDelimitedWireType);
            WriteBytesValue(writer, Encoding.UTF8.GetBytes(details.Name));
        }
        WritePackedAddresses(writer, IpsField, details.Ips);
        WritePackedAddresses(writer, SubnetsField, details.Subnets);
        foreach (string group in details.Groups)
        {
            // Repeated strings are never packed and every element is written, empty or not.
            WriteTag(writer, GroupsField, LengthDelimitedWireType);
            WriteBytesValue(writer, Encoding.UTF8.GetBytes(group));
        }
        WriteInt64Field(writer, NotBeforeField, details.NotBefore.ToUnixTimeSeconds());
        WriteInt64Field(writer, NotAfterField, details.NotAfter.ToUnixTimeSeconds());
        if (details.PublicKey.Length > 0)
        {
            WriteTag(writer, PublicKeyField, LengthDelimitedWireType);
            WriteBytesValue(writer, details.PublicKey);
        }
        if (details.IsCA)
        {
            WriteTag(writer, IsCAField, VarintWireType);
            WriteVarint(writer, 1);
        }
        if (details.IssuerFingerprint.Length > 0)
        {
            WriteTag(writer, IssuerField, LengthDelimitedWireType);
            WriteBytesValue(writer, Convert.FromHexString(details.IssuerFingerprint));
        }
        return writer.WrittenSpan.ToArray();
    }

    public static (NebulaCertificateDetails Details, byte[] Signature) Unmarshal(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        ReadOnlySpan<byte> details = default;
        bool sawDetails = false;
        byte[] signature = [];
        while (!reader.AtEnd)
        {
            (int field, int wireType) = reader.ReadTag();
            switch (field)
            {
                case CertificateDetailsField when wireType == LengthDelimitedWireType:
                    details = reader.ReadLengthDelimited();
                    sawDetails = true;
                    break;
                case CertificateSignatureField when wireType == LengthDelimitedWireType:
                    signature = reader.ReadLengthDelimited().ToArray();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        if (!sawDetails)
        {
            throw new NebulaPkiFormatException("certificate has no details (protobuf field 1 missing)");
        }
        return (UnmarshalDetails(details), signature);
    }

    private static NebulaCertificateDetails UnmarshalDetails(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        string name = "";
        var ips = new List<uint>(2);
        var subnets = new List<uint>();
        var groups = new List<string>();
        long notBefore = 0;
        long notAfter = 0;
        byte[] publicKey = [];
        bool isCA = false;
        string issuer = "";
        ulong curve = Curve25519;
        while (!reader.AtEnd)
        {
            (int field, int wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (NameField, LengthDelimitedWireType):
                    name = reader.ReadString();
                    break;
                case (IpsField, _):
                    reader.ReadUInt32s(wireType, ips);
                    break;
                case (SubnetsField, _):
                    reader.ReadUInt32s(wireType, subnets);
                    break;
                case (GroupsField, LengthDelimitedWireType):
                    groups.Add(reader.ReadString());
                    break;
                case (NotBeforeField, VarintWireType):
                    notBefore = (long)reader.ReadVarint();
                    break;
                case (NotAfterField, VarintWireType):
                    notAfter = (long)reader.ReadVarint();
                    break;
                case (PublicKeyField, LengthDelimitedWireType):
                    publicKey = reader.ReadLengthDelimited().ToArray();
                    break;
                case (IsCAField, VarintWireType):
                    isCA = reader.ReadVarint() != 0;
                    break;
                case (IssuerField, LengthDelimitedWireType):
                    issuer = Convert.ToHexStringLower(reader.ReadLengthDelimited());
                    break;
                case (CurveField, VarintWireType):
                    curve = reader.ReadVarint();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        if (curve != Curve25519)
        {
            throw new NebulaPkiFormatException($"certificate uses curve {curve}; only Curve25519 (0) is supported");
        }
        return new NebulaCertificateDetails
        {
            Name = name,
            Ips = ToAddresses(ips, "ips"),
            Subnets = ToAddresses(subnets, "subnets"),
            Groups = groups,
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(notBefore),
            NotAfter = DateTimeOffset.FromUnixTimeSeconds(notAfter),
            PublicKey = publicKey,
            IsCA = isCA,
            IssuerFingerprint = issuer,
        };
    }

    private static OverlayAddress[] ToAddresses(List<uint> pairs, string fieldName)
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

    private static void WritePackedAddresses(ArrayBufferWriter<byte> writer, int field, IReadOnlyList<OverlayAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return;
        }
        int length = 0;
        foreach (OverlayAddress address in addresses)
        {
            length += VarintSize(address.AddressValue) + VarintSize(address.MaskValue);
        }
        WriteTag(writer, field, LengthDelimitedWireType);
        WriteVarint(writer, (ulong)length);
        foreach (OverlayAddress address in addresses)
        {
            WriteVarint(writer, address.AddressValue);
            WriteVarint(writer, address.MaskValue);
        }
    }

    private static void WriteInt64Field(ArrayBufferWriter<byte> writer, int field, long value)
    {
        if (value == 0)
        {
            return;
        }
        WriteTag(writer, field, VarintWireType);
        // proto3 int64: negative values are sign-extended to ten varint bytes.
        WriteVarint(writer, (ulong)value);
    }

    private static void WriteTag(ArrayBufferWriter<byte> writer, int field, int wireType) =>
        WriteVarint(writer, ((ulong)field << 3) | (uint)wireType);

    private static void WriteBytesValue(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        WriteVarint(writer, (ulong)value.Length);
        writer.Write(value);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> writer, ulong value)
    {
        Span<byte> buffer = writer.GetSpan(10);
        int count = 0;
        while (value >= 0x80)
        {
            buffer[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[count++] = (byte)value;
        writer.Advance(count);
    }

    private static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    /// <summary>A forward-only protobuf reader over a span; every malformed input raises <see cref="NebulaPkiFormatException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool AtEnd => position >= data.Length;

        public (int Field, int WireType) ReadTag()
        {
            ulong tag = ReadVarint();
            int field = (int)(tag >> 3);
            if (field <= 0 || tag >> 3 > int.MaxValue)
            {
                throw Malformed("invalid field number");
            }
            return (field, (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (position >= data.Length)
                {
                    throw Malformed("truncated varint");
                }
                byte next = data[position++];
                value |= (ulong)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return value;
                }
            }
            throw Malformed("varint longer than 10 bytes");
        }

        public ReadOnlySpan<byte> ReadLengthDelimited()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(data.Length - position))
            {
                throw Malformed("length-delimited field runs past the end");
            }
            ReadOnlySpan<byte> value = data.Slice(position, (int)length);
            position += (int)length;
            return value;
        }

        public string ReadString()
        {
            try
            {
                return StrictUtf8.GetString(ReadLengthDelimited());
            }
            catch (DecoderFallbackException exception)
            {
                throw new NebulaPkiFormatException("malformed certificate: a string field is not valid UTF-8", exception);
            }
        }

        /// <summary>Reads a repeated uint32 field, accepting both the packed form Go writes and the unpacked form.</summary>
        public void ReadUInt32s(int wireType, List<uint> values)
        {
            if (wireType == VarintWireType)
            {
                values.Add(ToUInt32(ReadVarint()));
                return;
            }
            if (wireType != LengthDelimitedWireType)
            {
                throw Malformed($"unexpected wire type {wireType} for a repeated uint32");
            }
            var packed = new Reader(ReadLengthDelimited());
            while (!packed.AtEnd)
            {
                values.Add(ToUInt32(packed.ReadVarint()));
            }
        }

        public void Skip(int field, int wireType)
        {
            switch (wireType)
            {
                case VarintWireType:
                    ReadVarint();
                    break;
                case Fixed64WireType:
                    Advance(8);
                    break;
                case LengthDelimitedWireType:
                    ReadLengthDelimited();
                    break;
                case Fixed32WireType:
                    Advance(4);
                    break;
                default:
                    throw Malformed($"unsupported wire type {wireType} in field {field}");
            }
        }

        private void Advance(int count)
        {
            if (count > data.Length - position)
            {
                throw Malformed("fixed-width field runs past the end");
            }
            position += count;
        }

        private static uint ToUInt32(ulong value) =>
            value <= uint.MaxValue ? (uint)value : throw Malformed("uint32 value out of range");

        private static NebulaPkiFormatException Malformed(string reason) =>
            new($"malformed certificate protobuf: {reason}");
    }
}
