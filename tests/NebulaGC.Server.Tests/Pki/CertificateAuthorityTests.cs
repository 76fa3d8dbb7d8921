using System.Globalization;
using System.Text.Json;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Pki;

namespace NebulaGC.Server.Tests.Pki;

public sealed class CertificateAuthorityTests
{
    private static readonly CertificateAuthorityRequest ClusterCa = new("nebulagc acme/prod", TimeSpan.FromDays(30));

    [Fact]
    public void IssuedHostCertificate_PassesNebulaCertVerify_AndPrintsTheRequestedFields()
    {
        using var directory = new TempDirectory();
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa);
        X25519KeyPair nodeKey = X25519KeyPair.Generate();
        NebulaCertificate host = ca.SignHostCertificate(
            new HostCertificateRequest("web-1", nodeKey.PublicKeyPem(), OverlayAddress.Parse("10.42.0.17/16"), TimeSpan.FromDays(7))
            {
                Groups = ["web", "prod"],
                Subnets = [OverlayAddress.Parse("192.168.10.0/24")],
            });
        directory.Write("ca.crt", ca.CertificatePem);
        directory.Write("host.crt", host.ToPem());

        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());

        JsonElement printed = PrintJson(directory, "host.crt");
        JsonElement details = printed.GetProperty("details");
        Assert.Equal("web-1", details.GetProperty("name").GetString());
        Assert.Equal(["10.42.0.17/16"], Strings(details.GetProperty("ips")));
        Assert.Equal(["192.168.10.0/24"], Strings(details.GetProperty("subnets")));
        Assert.Equal(["web", "prod"], Strings(details.GetProperty("groups")));
        Assert.False(details.GetProperty("isCa").GetBoolean());
        Assert.Equal(ca.Fingerprint, details.GetProperty("issuer").GetString());
        Assert.Equal(Convert.ToHexStringLower(nodeKey.PublicKey), details.GetProperty("publicKey").GetString());
        Assert.Equal(host.Details.NotBefore, ParseGoTime(details.GetProperty("notBefore")));
        Assert.Equal(host.Details.NotAfter, ParseGoTime(details.GetProperty("notAfter")));
        Assert.Equal(TimeSpan.FromDays(7) + CertificateAuthority.ClockSkewAllowance, host.Details.NotAfter - host.Details.NotBefore);
        Assert.Equal(host.Fingerprint, printed.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void CaCertificate_IsSelfSignedCa_WithTheFingerprintNebulaCertComputes()
    {
        using var directory = new TempDirectory();
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa with { Groups = ["web", "db"] });
        directory.Write("ca.crt", ca.CertificatePem);

        JsonElement printed = PrintJson(directory, "ca.crt");
        JsonElement details = printed.GetProperty("details");
        Assert.True(details.GetProperty("isCa").GetBoolean());
        Assert.Equal("nebulagc acme/prod", details.GetProperty("name").GetString());
        Assert.Equal(["web", "db"], Strings(details.GetProperty("groups")));
        Assert.Equal("", details.GetProperty("issuer").GetString());
        Assert.Equal(ca.Fingerprint, printed.GetProperty("fingerprint").GetString());
        Assert.True(ca.Certificate.IsSignedBy(ca.Certificate.Details.PublicKey));
    }

    [Fact]
    public void HostCertificate_FailsVerify_AgainstAnotherCa()
    {
        using var directory = new TempDirectory();
        CertificateAuthority issuing = CertificateAuthority.Create(ClusterCa);
        CertificateAuthority other = CertificateAuthority.Create(ClusterCa);
        NebulaCertificate host = issuing.SignHostCertificate(HostRequest(X25519KeyPair.Generate()));
        directory.Write("other-ca.crt", other.CertificatePem);
        directory.Write("host.crt", host.ToPem());

        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "other-ca.crt", "-crt", "host.crt");

        Assert.NotEqual(0, verify.ExitCode);
        Assert.False(host.IsSignedBy(other.Certificate.Details.PublicKey));
        Assert.True(host.IsSignedBy(issuing.Certificate.Details.PublicKey));
    }

    [Fact]
    public void HostCertificate_NeverOutlivesTheCa_AndStillVerifies()
    {
        using var directory = new TempDirectory();
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa with { Lifetime = TimeSpan.FromDays(2) });
        NebulaCertificate host = ca.SignHostCertificate(HostRequest(X25519KeyPair.Generate()) with { Lifetime = TimeSpan.FromDays(365) });
        directory.Write("ca.crt", ca.CertificatePem);
        directory.Write("host.crt", host.ToPem());

        Assert.Equal(ca.Certificate.Details.NotAfter, host.Details.NotAfter);
        Assert.True(host.Details.NotBefore >= ca.Certificate.Details.NotBefore);
        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
    }

    [Fact]
    public void HugeLifetimes_AreClampedForHosts_AndRefusedForCas()
    {
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa);

        NebulaCertificate host = ca.SignHostCertificate(HostRequest(X25519KeyPair.Generate()) with { Lifetime = TimeSpan.MaxValue });

        Assert.Equal(ca.Certificate.Details.NotAfter, host.Details.NotAfter);
        Assert.Throws<CertificateRequestException>(() => CertificateAuthority.Create(ClusterCa with { Lifetime = TimeSpan.MaxValue }));
    }

    [Fact]
    public void HostCertificate_WhoseWindowHasPassed_FailsVerifyAsExpired()
    {
        using var directory = new TempDirectory();
        var lastMonth = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-30));
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa with { Lifetime = TimeSpan.FromDays(365) }, lastMonth);
        NebulaCertificate host = ca.SignHostCertificate(HostRequest(X25519KeyPair.Generate()) with { Lifetime = TimeSpan.FromDays(1) });
        directory.Write("ca.crt", ca.CertificatePem);
        directory.Write("host.crt", host.ToPem());

        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");

        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("expired", verify.Stderr + verify.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.False(host.IsValidAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Signing_IsRefused_WhenTheCaHasExpired()
    {
        var twoYearsAgo = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-730));
        CertificateAuthority createdTwoYearsAgo = CertificateAuthority.Create(ClusterCa with { Lifetime = TimeSpan.FromDays(365) }, twoYearsAgo);
        CertificateAuthority expiredCa = CertificateAuthority.Load(createdTwoYearsAgo.CertificatePem, createdTwoYearsAgo.ExportPrivateKey());

        var refused = Assert.Throws<CertificateRequestException>(() => expiredCa.SignHostCertificate(HostRequest(X25519KeyPair.Generate())));
        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NebulaPem.Ed25519PublicKeyType, 32, "expected a PEM block of type 'NEBULA X25519 PUBLIC KEY'")]
    [InlineData(NebulaPem.X25519PublicKeyType, 31, "must be 32 bytes long, this one is 31 bytes")]
    [InlineData(NebulaPem.X25519PrivateKeyType, 32, "expected a PEM block of type 'NEBULA X25519 PUBLIC KEY'")]
    public void Signing_RejectsAPublicKeyThatIsNotAnX25519PublicKeyPem(string pemType, int length, string expectedReason)
    {
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa);
        string wrongKey = NebulaPem.Encode(pemType, new byte[length]);

        var refused = Assert.Throws<CertificateRequestException>(() =>
            ca.SignHostCertificate(new HostCertificateRequest("web-1", wrongKey, OverlayAddress.Parse("10.42.0.17/16"), TimeSpan.FromDays(1))));

        Assert.Contains(expectedReason, refused.Message, StringComparison.Ordinal);
        Assert.IsType<NebulaPkiFormatException>(refused.InnerException);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a pem at all")]
    [InlineData("-----BEGIN NEBULA X25519 PUBLIC KEY-----\n!!!!\n-----END NEBULA X25519 PUBLIC KEY-----\n")]
    [InlineData("-----BEGIN NEBULA X25519 PUBLIC KEY-----\nAAAA\n")]
    public void Signing_RejectsGarbageAsPublicKey(string garbage)
    {
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa);

        var refused = Assert.Throws<CertificateRequestException>(() =>
            ca.SignHostCertificate(new HostCertificateRequest("web-1", garbage, OverlayAddress.Parse("10.42.0.17/16"), TimeSpan.FromDays(1))));

        Assert.StartsWith("public_key is not a 'NEBULA X25519 PUBLIC KEY' PEM", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_EnforcesTheCaConstraintsOnGroupsAndAddresses()
    {
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa with
        {
            Groups = ["web"],
            Ips = [OverlayAddress.Parse("10.42.0.0/16")],
        });
        HostCertificateRequest request = HostRequest(X25519KeyPair.Generate());

        Assert.Throws<CertificateRequestException>(() => ca.SignHostCertificate(request with { Groups = ["db"] }));
        Assert.Throws<CertificateRequestException>(() => ca.SignHostCertificate(request with { OverlayAddress = OverlayAddress.Parse("10.43.0.1/16") }));
        Assert.Throws<CertificateRequestException>(() => ca.SignHostCertificate(request with { Name = " " }));
        Assert.NotNull(ca.SignHostCertificate(request with { Groups = ["web"] }));
    }

    [Fact]
    public void CaPrivateKey_IsUsableByNebulaCert_ToSignCertificatesThatVerify()
    {
        using var directory = new TempDirectory();
        CertificateAuthority ca = CertificateAuthority.Create(ClusterCa);
        directory.Write("ca.crt", ca.CertificatePem);
        directory.Write("ca.key", NebulaPem.Encode(NebulaPem.Ed25519PrivateKeyType, ca.ExportPrivateKey()));

        ProcessResult sign = NebulaTools.NebulaCert(directory.Path, "sign", "-name", "cli-made", "-ip", "10.42.9.9/16");
        Assert.True(sign.ExitCode == 0, sign.Describe());
        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "cli-made.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
    }

    [Fact]
    public void NebulaCertCa_LoadsAndSignsHostCertificatesThatVerify()
    {
        using var directory = new TempDirectory();
        ProcessResult create = NebulaTools.NebulaCert(directory.Path, "ca", "-name", "made by nebula-cert", "-groups", "web,db", "-ips", "10.42.0.0/16");
        Assert.True(create.ExitCode == 0, create.Describe());

        CertificateAuthority ca = CertificateAuthority.Load(directory.Read("ca.crt"), directory.Read("ca.key"));
        NebulaCertificate host = ca.SignHostCertificate(HostRequest(X25519KeyPair.Generate()) with { Groups = ["db"] });
        directory.Write("host.crt", host.ToPem());

        ProcessResult verify = NebulaTools.NebulaCert(directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
        Assert.Equal(["web", "db"], ca.Certificate.Details.Groups);
    }

    [Fact]
    public void Load_RejectsAPrivateKeyOfAnotherCa()
    {
        CertificateAuthority first = CertificateAuthority.Create(ClusterCa);
        CertificateAuthority second = CertificateAuthority.Create(ClusterCa);

        var refused = Assert.Throws<CertificateRequestException>(() => CertificateAuthority.Load(first.CertificatePem, second.ExportPrivateKey()));
        Assert.Contains("does not belong", refused.Message, StringComparison.Ordinal);
    }

    private static HostCertificateRequest HostRequest(X25519KeyPair key) =>
        new("node-1", key.PublicKeyPem(), OverlayAddress.Parse("10.42.0.2/16"), TimeSpan.FromDays(1));

    private static JsonElement PrintJson(TempDirectory directory, string file)
    {
        ProcessResult print = NebulaTools.NebulaCert(directory.Path, "print", "-json", "-path", file);
        Assert.True(print.ExitCode == 0, print.Describe());
        using JsonDocument document = JsonDocument.Parse(print.Stdout);
        return document.RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) =>
        array.EnumerateArray().Select(element => element.GetString()!).ToArray();

    private static DateTimeOffset ParseGoTime(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
