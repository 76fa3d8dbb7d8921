namespace NebulaGC.Server.Pki;

/// <summary>What a new cluster CA looks like.</summary>
/// <param name="Name">CA name, shown by <c>nebula-cert print</c> (e.g. <c>nebulagc tenant/cluster</c>).</param>
/// <param name="Lifetime">Validity from now; <see cref="CertificateAuthority.DefaultCaLifetime"/> is a sensible value.</param>
public sealed record CertificateAuthorityRequest(string Name, TimeSpan Lifetime)
{
    /// <summary>Optional: the only groups host certificates may carry. Empty = unrestricted.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Optional: the networks host addresses must lie in (e.g. the overlay CIDR). Empty = unrestricted.</summary>
    public IReadOnlyList<OverlayAddress> Ips { get; init; } = [];

    /// <summary>Optional: the networks unsafe routes must lie in. Empty = unrestricted.</summary>
    public IReadOnlyList<OverlayAddress> Subnets { get; init; } = [];
}

/// <summary>What a host certificate should say.</summary>
/// <param name="Name">The node name.</param>
/// <param name="PublicKeyPem">The node's <c>NEBULA X25519 PUBLIC KEY</c> PEM (the private key stays on the node).</param>
/// <param name="OverlayAddress">The node's overlay IP with the overlay prefix length, e.g. <c>10.42.0.17/16</c>.</param>
/// <param name="Lifetime">Requested validity from now; cut short to the CA's own expiry.</param>
public sealed record HostCertificateRequest(string Name, string PublicKeyPem, OverlayAddress OverlayAddress, TimeSpan Lifetime)
{
    /// <summary>Nebula groups for firewall rules. Default none.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>
    /// Unsafe networks this node routes for (its advertised routes). Peers drop traffic from those networks unless
    /// the router's certificate lists them. Host bits are cleared. Default none.
    /// </summary>
    public IReadOnlyList<OverlayAddress> Subnets { get; init; } = [];
}
