using NebulaGC.Client.Pki;

namespace NebulaGC.Server.Pki;

/// <summary>
/// A cluster certificate authority: a self-signed Nebula v1 CA certificate and its Ed25519 key. Signs host
/// certificates for node public keys. Thread-safe: the state is immutable after construction.
/// </summary>
public sealed class CertificateAuthority
{
    /// <summary>Default CA validity: 10 years.</summary>
    public static readonly TimeSpan DefaultCaLifetime = TimeSpan.FromDays(3650);

    /// <summary>Default host certificate validity: 1 year (re-signed whenever the daemon submits its key).</summary>
    public static readonly TimeSpan DefaultHostLifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// How far notBefore is moved into the past (5 minutes), so a fresh certificate is already valid on nodes whose
    /// clocks lag the server's; Nebula rejects certificates that are not valid yet.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly Ed25519KeyPair key;
    private readonly TimeProvider timeProvider;

    private CertificateAuthority(NebulaCertificate certificate, Ed25519KeyPair key, TimeProvider timeProvider)
    {
        Certificate = certificate;
        this.key = key;
        this.timeProvider = timeProvider;
        CertificatePem = certificate.ToPem();
    }

    /// <summary>The self-signed CA certificate.</summary>
    public NebulaCertificate Certificate { get; }

    /// <summary>The CA certificate as PEM: the content of <c>ca.crt</c>.</summary>
    public string CertificatePem { get; }

    /// <summary>The CA fingerprint (lowercase hex SHA-256), the issuer of every certificate it signs.</summary>
    public string Fingerprint => Certificate.Fingerprint;

    /// <summary>Creates a new CA with a fresh Ed25519 key.</summary>
    /// <param name="request">Name, lifetime and optional constraints.</param>
    /// <param name="timeProvider">Clock for the validity window; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="CertificateRequestException">Empty name, non-positive lifetime or bad constraint.</exception>
    public static CertificateAuthority Create(CertificateAuthorityRequest request, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        timeProvider ??= TimeProvider.System;
        RequireName(request.Name, "CA");
        RequirePositiveLifetime(request.Lifetime);
        RequireGroups(request.Groups);
        DateTimeOffset now = TruncateToSeconds(timeProvider.GetUtcNow());
        if (request.Lifetime > DateTimeOffset.MaxValue - now)
        {
            throw new CertificateRequestException($"CA lifetime {request.Lifetime} reaches past the year 9999");
        }
        Ed25519KeyPair key = Ed25519KeyPair.Generate();
        var details = new NebulaCertificateDetails
        {
            Name = request.Name,
            Ips = NetworksOnly(request.Ips),
            Subnets = NetworksOnly(request.Subnets),
            Groups = request.Groups,
            NotBefore = now - ClockSkewAllowance,
            NotAfter = now + TruncateToSeconds(request.Lifetime),
            PublicKey = key.PublicKey.ToArray(),
            IsCA = true,
        };
        return new CertificateAuthority(NebulaCertificate.Sign(details, key), key, timeProvider);
    }

    /// <summary>Loads a stored CA from its certificate PEM and its 64-byte private key (decrypted).</summary>
    /// <exception cref="NebulaPkiFormatException">Malformed certificate or key.</exception>
    /// <exception cref="CertificateRequestException">Not a CA, not self-signed, or the key does not belong to the certificate.</exception>
    public static CertificateAuthority Load(string certificatePem, ReadOnlySpan<byte> privateKey, TimeProvider? timeProvider = null)
    {
        NebulaCertificate certificate = NebulaCertificate.FromPem(certificatePem);
        Ed25519KeyPair key = Ed25519KeyPair.FromPrivateKey(privateKey);
        if (!certificate.Details.IsCA)
        {
            throw new CertificateRequestException($"certificate '{certificate.Details.Name}' is not a CA certificate");
        }
        if (!key.PublicKey.SequenceEqual(certificate.Details.PublicKey))
        {
            throw new CertificateRequestException($"the private key does not belong to CA certificate '{certificate.Details.Name}'");
        }
        if (!certificate.IsSignedBy(key.PublicKey))
        {
            throw new CertificateRequestException($"CA certificate '{certificate.Details.Name}' is not validly self-signed");
        }
        return new CertificateAuthority(certificate, key, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Loads a CA from PEM files as written by <c>nebula-cert ca</c> (<c>ca.crt</c>, <c>ca.key</c>).</summary>
    /// <exception cref="NebulaPkiFormatException">Malformed certificate or key.</exception>
    /// <exception cref="CertificateRequestException">Not a CA, not self-signed, or mismatched key.</exception>
    public static CertificateAuthority Load(string certificatePem, string privateKeyPem, TimeProvider? timeProvider = null) =>
        Load(certificatePem, NebulaPem.DecodeSingle(privateKeyPem, NebulaPem.Ed25519PrivateKeyType, Ed25519KeyPair.PrivateKeyLength), timeProvider);

    /// <summary>The 64-byte private key (seed ‖ public key), to be encrypted with <see cref="CaKeyProtector"/> before storing.</summary>
    public byte[] ExportPrivateKey() => key.ExportPrivateKey();

    /// <summary>
    /// Signs a host certificate for the node public key in <paramref name="request"/>. The validity runs from now
    /// (less <see cref="ClockSkewAllowance"/>) for the requested lifetime, but never outside the CA's own window.
    /// </summary>
    /// <exception cref="CertificateRequestException">
    /// The public key is not an X25519 public key PEM; empty name; address, subnet or group outside the CA's
    /// constraints; non-positive lifetime; or the CA has expired.
    /// </exception>
    public NebulaCertificate SignHostCertificate(HostCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] publicKey;
        try
        {
            publicKey = X25519KeyPair.PublicKeyFromPem(request.PublicKeyPem ?? "");
        }
        catch (NebulaPkiFormatException exception)
        {
            throw new CertificateRequestException($"public_key is not a '{NebulaPem.X25519PublicKeyType}' PEM: {exception.Message}", exception);
        }
        RequireName(request.Name, "host");
        RequirePositiveLifetime(request.Lifetime);
        RequireGroups(request.Groups);
        NebulaCertificateDetails ca = Certificate.Details;
        if (request.OverlayAddress.Address is null || request.OverlayAddress.PrefixLength == 0)
        {
            throw new CertificateRequestException("the overlay address needs a prefix length of 1 to 32, e.g. 10.42.0.17/16");
        }
        if (ca.Ips.Count > 0 && !ca.Ips.Any(network => network.Contains(request.OverlayAddress.Address)))
        {
            throw new CertificateRequestException($"overlay address {request.OverlayAddress} is outside the CA's networks");
        }
        IReadOnlyList<OverlayAddress> subnets = NetworksOnly(request.Subnets);
        foreach (OverlayAddress subnet in subnets)
        {
            if (ca.Subnets.Count > 0 && !ca.Subnets.Any(network => network.Contains(subnet)))
            {
                throw new CertificateRequestException($"subnet {subnet} is outside the CA's subnets");
            }
        }
        foreach (string group in request.Groups)
        {
            if (ca.Groups.Count > 0 && !ca.Groups.Contains(group, StringComparer.Ordinal))
            {
                throw new CertificateRequestException($"group '{group}' is not among the groups the CA may sign");
            }
        }

        DateTimeOffset now = TruncateToSeconds(timeProvider.GetUtcNow());
        if (now >= ca.NotAfter)
        {
            throw new CertificateRequestException($"the CA expired at {ca.NotAfter:O}; rotate the cluster CA");
        }
        DateTimeOffset notBefore = Max(now - ClockSkewAllowance, ca.NotBefore);
        // Compared as spans so that a huge requested lifetime is clamped instead of overflowing.
        DateTimeOffset notAfter = TruncateToSeconds(request.Lifetime) >= ca.NotAfter - now
            ? ca.NotAfter
            : now + TruncateToSeconds(request.Lifetime);
        var details = new NebulaCertificateDetails
        {
            Name = request.Name,
            Ips = [request.OverlayAddress],
            Subnets = subnets,
            Groups = request.Groups.ToArray(),
            NotBefore = notBefore,
            NotAfter = notAfter,
            PublicKey = publicKey,
            IsCA = false,
            IssuerFingerprint = Fingerprint,
        };
        return NebulaCertificate.Sign(details, key);
    }

    private static void RequireName(string? name, string kind)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CertificateRequestException($"a {kind} certificate needs a non-empty name");
        }
    }

    private static void RequirePositiveLifetime(TimeSpan lifetime)
    {
        if (lifetime < TimeSpan.FromSeconds(1))
        {
            throw new CertificateRequestException($"certificate lifetime must be at least one second, got {lifetime}");
        }
    }

    private static void RequireGroups(IReadOnlyList<string> groups)
    {
        foreach (string group in groups)
        {
            if (string.IsNullOrWhiteSpace(group))
            {
                throw new CertificateRequestException("group names must not be empty");
            }
        }
    }

    // nebula-cert stores CA networks and subnets as network addresses (what Go's ParseCIDR yields): host bits cleared.
    private static OverlayAddress[] NetworksOnly(IReadOnlyList<OverlayAddress> networks) =>
        networks.Select(network => network.Network).ToArray();

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset instant) =>
        DateTimeOffset.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());

    private static TimeSpan TruncateToSeconds(TimeSpan span) =>
        TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds));

    private static DateTimeOffset Max(DateTimeOffset first, DateTimeOffset second) => first > second ? first : second;
}
