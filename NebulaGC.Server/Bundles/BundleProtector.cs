using NebulaGC.Server.Security;

namespace NebulaGC.Server.Bundles;

/// <summary>
/// Encrypts uploaded external-PKI bundles at rest — they hold every node's <c>host.key</c> — bound to the cluster and
/// version they were uploaded as (<see cref="AtRestProtector"/>).
/// </summary>
public sealed class BundleProtector(ReadOnlySpan<byte> serverSecret) : AtRestProtector(serverSecret, "bundle-encryption/v1", "uploaded bundle")
{
    public static string BoundTo(Guid clusterId, long version) => $"{clusterId}/{version}";
}
