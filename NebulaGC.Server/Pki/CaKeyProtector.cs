using NebulaGC.Server.Security;

namespace NebulaGC.Server.Pki;

/// <summary>Encrypts cluster CA private keys at rest, bound to the cluster id (<see cref="AtRestProtector"/>).</summary>
public sealed class CaKeyProtector(ReadOnlySpan<byte> serverSecret) : AtRestProtector(serverSecret, "ca-key-encryption/v1", "CA private key");
