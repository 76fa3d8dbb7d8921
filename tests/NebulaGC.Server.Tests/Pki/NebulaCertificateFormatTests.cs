using System.Text.Json;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Pki;

namespace NebulaGC.Server.Tests.Pki;

public sealed class NebulaCertificateFormatTests
{
    [Fact]
    public void NebulaCertMadeCertificates_RoundTripToTheExactBytes_WithNebulaCertsFingerprint()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, NebulaTools.NebulaCert(directory.Path, "ca", "-name", "Round Trip CA", "-groups", "a,b,c", "-ips", "10.42.0.0/16,10.50.0.0/16", "-subnets", "192.168.0.0/16").ExitCode);
        Assert.Equal(0, NebulaTools.NebulaCert(directory.Path, "sign", "-name", "router-1", "-ip", "10.42.3.4/16", "-groups", "a,c", "-subnets", "192.168.7.0/24,192.168.8.0/24").ExitCode);

        foreach (string file in new[] { "ca.crt", "router-1.crt" })
        {
            string pem = directory.Read(file);
            byte[] original = NebulaPem.DecodeSingle(pem, NebulaPem.CertificateType);

            NebulaCertificate certificate = NebulaCertificate.FromPem(pem);

            Assert.Equal(original, certificate.Marshal());
            Assert.Equal(pem, certificate.ToPem());
            ProcessResult print = NebulaTools.NebulaCert(directory.Path, "print", "-json", "-path", file);
            using JsonDocument printed = JsonDocument.Parse(print.Stdout);
            Assert.Equal(printed.RootElement.GetProperty("fingerprint").GetString(), certificate.Fingerprint);
        }

        NebulaCertificate ca = NebulaCertificate.FromPem(directory.Read("ca.crt"));
        NebulaCertificate router = NebulaCertificate.FromPem(directory.Read("router-1.crt"));
        Assert.True(router.IsSignedBy(ca.Details.PublicKey));
        Assert.Equal(ca.Fingerprint, router.Details.IssuerFingerprint);
        Assert.Equal([OverlayAddress.Parse("10.42.3.4/16")], router.Details.Ips);
        Assert.Equal([OverlayAddress.Parse("192.168.7.0/24"), OverlayAddress.Parse("192.168.8.0/24")], router.Details.Subnets);
        Assert.Equal(["a", "c"], router.Details.Groups);
        Assert.True(ca.Details.IsCA);
        Assert.Equal([OverlayAddress.Parse("10.42.0.0/16"), OverlayAddress.Parse("10.50.0.0/16")], ca.Details.Ips);
    }

    [Fact]
    public void NebulaCertKeygenKeys_ParseAndDeriveTheSamePublicKey()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, NebulaTools.NebulaCert(directory.Path, "keygen", "-out-key", "host.key", "-out-pub", "host.pub").ExitCode);

        X25519KeyPair key = X25519KeyPair.FromPrivateKeyPem(directory.Read("host.key"));

        Assert.Equal(directory.Read("host.pub"), key.PublicKeyPem());
        Assert.Equal(directory.Read("host.key"), key.PrivateKeyPem());
        Assert.Equal(key.PublicKey.ToArray(), X25519KeyPair.PublicKeyFromPem(directory.Read("host.pub")));
    }

    [Fact]
    public void OurX25519PublicKey_IsAcceptedByNebulaCertSign()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, NebulaTools.NebulaCert(directory.Path, "ca", "-name", "ca").ExitCode);
        X25519KeyPair key = X25519KeyPair.Generate();
        directory.Write("node.pub", key.PublicKeyPem());

        ProcessResult sign = NebulaTools.NebulaCert(directory.Path, "sign", "-name", "node", "-ip", "10.1.0.2/16", "-in-pub", "node.pub");

        Assert.True(sign.ExitCode == 0, sign.Describe());
        Assert.Equal(key.PublicKey.ToArray(), NebulaCertificate.FromPem(directory.Read("node.crt")).Details.PublicKey);
    }

    [Fact]
    public void NebulaCertCaKey_ParsesAsEd25519KeyPairMatchingTheCaCertificate()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, NebulaTools.NebulaCert(directory.Path, "ca", "-name", "ca").ExitCode);

        Ed25519KeyPair key = Ed25519KeyPair.FromPrivateKeyPem(directory.Read("ca.key"));

        Assert.Equal(NebulaCertificate.FromPem(directory.Read("ca.crt")).Details.PublicKey, key.PublicKey.ToArray());
        Assert.Equal(directory.Read("ca.key"), key.PrivateKeyPem());
    }

    [Fact]
    public void Ed25519PublicKeyPem_RoundTrips_AndIsNotMistakenForAnX25519Key()
    {
        Ed25519KeyPair key = Ed25519KeyPair.Generate();
        string pem = key.PublicKeyPem();

        Assert.StartsWith("-----BEGIN NEBULA ED25519 PUBLIC KEY-----\n", pem, StringComparison.Ordinal);
        Assert.Equal(key.PublicKey.ToArray(), Ed25519KeyPair.PublicKeyFromPem(pem));
        Assert.Throws<NebulaPkiFormatException>(() => X25519KeyPair.PublicKeyFromPem(pem));
        Assert.Throws<NebulaPkiFormatException>(() => Ed25519KeyPair.FromPrivateKey(new byte[64]));
    }

    [Fact]
    public void Marshalling_OmitsZeroValues_AndPacksAddresses()
    {
        var details = new NebulaCertificateDetails
        {
            Name = "",
            Ips = [OverlayAddress.Parse("10.0.0.1/8")],
            NotBefore = DateTimeOffset.FromUnixTimeSeconds(0),
            NotAfter = DateTimeOffset.FromUnixTimeSeconds(1),
            PublicKey = [],
        };

        NebulaCertificate certificate = NebulaCertificate.Sign(details, Ed25519KeyPair.Generate());

        // Field 2 packed: tag 12, length 09, varint(0x0A000001) = 81 80 80 50, varint(0xFF000000) = 80 80 80 f8 0f;
        // field 6 varint 1: 30 01. Name, NotBefore, PublicKey, IsCA and Issuer are zero and therefore absent.
        Assert.Equal(Convert.FromHexString("1209818080508080" + "80f80f3001"), certificate.MarshalDetails());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("-----BEGIN NEBULA CERTIFICATE-----\nAAAA\n-----END NEBULA CERTIFICATE-----\n")]
    [InlineData("-----BEGIN NEBULA X25519 PUBLIC KEY-----\nAAAA\n-----END NEBULA X25519 PUBLIC KEY-----\n")]
    [InlineData("-----BEGIN NEBULA CERTIFICATE-----\nCv////8P\n-----END NEBULA CERTIFICATE-----\n")]
    public void MalformedCertificates_RaiseAFormatError(string pem)
    {
        Assert.Throws<NebulaPkiFormatException>(() => NebulaCertificate.FromPem(pem));
    }

    [Fact]
    public void PemBundle_WithSeveralCertificates_ReadsEach()
    {
        CertificateAuthority first = CertificateAuthority.Create(new CertificateAuthorityRequest("old", TimeSpan.FromDays(1)));
        CertificateAuthority second = CertificateAuthority.Create(new CertificateAuthorityRequest("new", TimeSpan.FromDays(1)));

        IReadOnlyList<NebulaCertificate> bundle = NebulaCertificate.FromPemBundle(first.CertificatePem + second.CertificatePem);

        Assert.Equal([first.Fingerprint, second.Fingerprint], bundle.Select(certificate => certificate.Fingerprint));
        Assert.Throws<NebulaPkiFormatException>(() => NebulaCertificate.FromPem(first.CertificatePem + second.CertificatePem));
    }

    [Theory]
    [InlineData("10.42.0.17")]
    [InlineData("10.42.0.17/33")]
    [InlineData("fd00::1/64")]
    [InlineData("10.42.0/16")]
    public void OverlayAddress_RejectsAnythingButIpv4WithPrefix(string text)
    {
        Assert.Throws<FormatException>(() => OverlayAddress.Parse(text));
    }
}
