using System.Text.Json.Serialization;

namespace NebulaGC.Client.Http;

/// <summary><c>POST /v1/node/certificate</c>: the node's X25519 public key as PEM (<c>NEBULA X25519 PUBLIC KEY</c>).</summary>
public sealed record NodeCertificateRequest(string PublicKey);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NodeCertificateRequest))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
