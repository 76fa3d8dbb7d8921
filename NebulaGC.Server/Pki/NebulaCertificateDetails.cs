namespace NebulaGC.Server.Pki;

/// <summary>
/// The signed part of a Nebula v1 certificate. Times are whole Unix seconds (what the certificate stores).
/// </summary>
public sealed record NebulaCertificateDetails
{
    /// <summary>Certificate name: the node name for a host, the CA name for a CA.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Host addresses with the overlay prefix (e.g. 10.42.0.17/16). On a CA, optional limits on what it may sign.
    /// </summary>
    public IReadOnlyList<OverlayAddress> Ips { get; init; } = [];

    /// <summary>Unsafe networks routed through this host (network addresses). On a CA, optional limits.</summary>
    public IReadOnlyList<OverlayAddress> Subnets { get; init; } = [];

    /// <summary>Nebula groups, used by firewall rules. On a CA, optional limit on the groups it may sign.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Start of validity (whole seconds, UTC).</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of validity (whole seconds, UTC).</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>32-byte public key: X25519 for a host, Ed25519 for a CA.</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>True for a certificate authority.</summary>
    public bool IsCA { get; init; }

    /// <summary>Lowercase hex SHA-256 fingerprint of the signing CA certificate; empty for a self-signed CA.</summary>
    public string IssuerFingerprint { get; init; } = "";
}
