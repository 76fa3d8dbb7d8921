using System.Text;

namespace NebulaGC.Client.Pki;

/// <summary>
/// PEM encoding as Nebula writes it (Go's <c>encoding/pem</c>: 64-character base64 lines, no headers),
/// and strict decoding that checks the block type and, where known, the payload length.
/// </summary>
public static class NebulaPem
{
    /// <summary>PEM type of a Nebula v1 certificate (protobuf payload).</summary>
    public const string CertificateType = "NEBULA CERTIFICATE";

    /// <summary>PEM type of an Ed25519 private key: 64 bytes, seed followed by public key.</summary>
    public const string Ed25519PrivateKeyType = "NEBULA ED25519 PRIVATE KEY";

    /// <summary>PEM type of an Ed25519 public key: 32 bytes.</summary>
    public const string Ed25519PublicKeyType = "NEBULA ED25519 PUBLIC KEY";

    /// <summary>PEM type of an X25519 private key: 32 bytes.</summary>
    public const string X25519PrivateKeyType = "NEBULA X25519 PRIVATE KEY";

    /// <summary>PEM type of an X25519 public key: 32 bytes.</summary>
    public const string X25519PublicKeyType = "NEBULA X25519 PUBLIC KEY";

    private const string BeginPrefix = "-----BEGIN ";
    private const string EndPrefix = "-----END ";
    private const string Dashes = "-----";
    private const int LineLength = 64;

    /// <summary>Encodes <paramref name="payload"/> as one PEM block of <paramref name="type"/>, ending with a newline.</summary>
    public static string Encode(string type, ReadOnlySpan<byte> payload)
    {
        string base64 = Convert.ToBase64String(payload);
        var pem = new StringBuilder(base64.Length + base64.Length / LineLength + 2 * type.Length + 40);
        pem.Append(BeginPrefix).Append(type).Append(Dashes).Append('\n');
        for (int offset = 0; offset < base64.Length; offset += LineLength)
        {
            pem.Append(base64, offset, Math.Min(LineLength, base64.Length - offset)).Append('\n');
        }
        pem.Append(EndPrefix).Append(type).Append(Dashes).Append('\n');
        return pem.ToString();
    }

    /// <summary>
    /// Decodes the single PEM block in <paramref name="pem"/>, which must be of <paramref name="expectedType"/>
    /// and, when <paramref name="expectedLength"/> is given, carry exactly that many bytes.
    /// </summary>
    /// <exception cref="NebulaPkiFormatException">No block, several blocks, another type, bad base64 or wrong length.</exception>
    public static byte[] DecodeSingle(string pem, string expectedType, int? expectedLength = null)
    {
        IReadOnlyList<PemBlock> blocks = DecodeAll(pem);
        if (blocks.Count != 1)
        {
            throw new NebulaPkiFormatException(
                $"expected exactly one PEM block of type '{expectedType}', found {blocks.Count}");
        }
        return CheckBlock(blocks[0], expectedType, expectedLength);
    }

    /// <summary>
    /// Checks that <paramref name="block"/> is of <paramref name="expectedType"/> and, when given,
    /// <paramref name="expectedLength"/> bytes long; returns its payload.
    /// </summary>
    /// <exception cref="NebulaPkiFormatException">Another type or wrong length.</exception>
    public static byte[] CheckBlock(PemBlock block, string expectedType, int? expectedLength = null)
    {
        if (!string.Equals(block.Type, expectedType, StringComparison.Ordinal))
        {
            throw new NebulaPkiFormatException($"expected a PEM block of type '{expectedType}', found '{block.Type}'");
        }
        if (expectedLength is int length && block.Payload.Length != length)
        {
            throw new NebulaPkiFormatException(
                $"a '{expectedType}' must be {length} bytes long, this one is {block.Payload.Length} bytes");
        }
        return block.Payload;
    }

    /// <summary>
    /// Decodes every PEM block in <paramref name="pem"/> in order (a CA bundle may hold several certificates).
    /// Text outside blocks is ignored, as Go's decoder does.
    /// </summary>
    /// <exception cref="NebulaPkiFormatException">An unterminated block, mismatched END line or invalid base64.</exception>
    public static IReadOnlyList<PemBlock> DecodeAll(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var blocks = new List<PemBlock>(1);
        int position = 0;
        while (true)
        {
            int begin = pem.IndexOf(BeginPrefix, position, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }
            int typeStart = begin + BeginPrefix.Length;
            int typeEnd = pem.IndexOf(Dashes, typeStart, StringComparison.Ordinal);
            int lineEnd = pem.IndexOf('\n', typeStart);
            if (typeEnd < 0 || (lineEnd >= 0 && typeEnd > lineEnd))
            {
                throw new NebulaPkiFormatException("malformed PEM: BEGIN line without closing dashes");
            }
            string type = pem[typeStart..typeEnd];
            string endLine = EndPrefix + type + Dashes;
            int end = pem.IndexOf(endLine, typeEnd, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new NebulaPkiFormatException($"malformed PEM: no '{endLine}' line for the '{type}' block");
            }
            string body = pem[(typeEnd + Dashes.Length)..end];
            byte[] payload;
            try
            {
                payload = Convert.FromBase64String(body);
            }
            catch (FormatException exception)
            {
                throw new NebulaPkiFormatException($"malformed PEM: the '{type}' block is not valid base64", exception);
            }
            blocks.Add(new PemBlock(type, payload));
            position = end + endLine.Length;
        }
        if (blocks.Count == 0)
        {
            throw new NebulaPkiFormatException("no PEM block found");
        }
        return blocks;
    }
}

/// <summary>One decoded PEM block.</summary>
/// <param name="Type">The text between <c>BEGIN </c> and the dashes, e.g. <c>NEBULA CERTIFICATE</c>.</param>
/// <param name="Payload">The base64-decoded body.</param>
public sealed record PemBlock(string Type, byte[] Payload);
