using System.Security.Cryptography;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Tests.Pki;

public sealed class CaKeyProtectorTests
{
    private static readonly byte[] ServerSecret = RandomNumberGenerator.GetBytes(32);
    private const string ClusterId = "6f1c1b52-7d7e-4f0e-9d55-4c1f0b0e2a11";

    [Fact]
    public void ProtectedCaKey_DecryptsToTheSameKey_AndLoadsTheCa()
    {
        CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("ca", TimeSpan.FromDays(1)));
        var protector = new CaKeyProtector(ServerSecret);

        byte[] blob = protector.Protect(ca.ExportPrivateKey(), ClusterId);
        byte[] decrypted = new CaKeyProtector(ServerSecret).Unprotect(blob, ClusterId);

        Assert.Equal(ca.ExportPrivateKey(), decrypted);
        Assert.Equal(CaKeyProtector.CurrentVersion, blob[0]);
        Assert.Equal(1 + 12 + 16 + 64, blob.Length);
        Assert.Equal(ca.Fingerprint, CertificateAuthority.Load(ca.CertificatePem, decrypted).Fingerprint);
    }

    [Fact]
    public void ProtectingTwice_GivesDifferentBlobs()
    {
        var protector = new CaKeyProtector(ServerSecret);
        byte[] key = RandomNumberGenerator.GetBytes(64);

        Assert.NotEqual(protector.Protect(key, ClusterId), protector.Protect(key, ClusterId));
    }

    [Fact]
    public void Unprotect_WithAnotherServerSecret_FailsWithAClearError()
    {
        byte[] blob = new CaKeyProtector(ServerSecret).Protect(RandomNumberGenerator.GetBytes(64), ClusterId);

        var failure = Assert.Throws<AtRestDecryptionException>(() => new CaKeyProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(blob, ClusterId));

        Assert.Contains("NEBULAGC_HMAC_SECRET differs", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_ForAnotherCluster_Fails()
    {
        var protector = new CaKeyProtector(ServerSecret);
        byte[] blob = protector.Protect(RandomNumberGenerator.GetBytes(64), ClusterId);

        Assert.Throws<AtRestDecryptionException>(() => protector.Unprotect(blob, "another-cluster"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(40)]
    public void Unprotect_OfATamperedBlob_Fails(int tamperedByte)
    {
        var protector = new CaKeyProtector(ServerSecret);
        byte[] blob = protector.Protect(RandomNumberGenerator.GetBytes(64), ClusterId);
        blob[tamperedByte] ^= 0x01;

        Assert.Throws<AtRestDecryptionException>(() => protector.Unprotect(blob, ClusterId));
    }

    [Fact]
    public void Unprotect_OfATruncatedBlob_Fails()
    {
        Assert.Throws<AtRestDecryptionException>(() => new CaKeyProtector(ServerSecret).Unprotect(new byte[10], ClusterId));
    }

    [Fact]
    public void Protector_RefusesAShortServerSecret()
    {
        Assert.Throws<ArgumentException>(() => new CaKeyProtector(new byte[16]));
    }
}
