namespace NebulaGC.Daemon.Tests.Support;

/// <summary>A CA and host certificates made by the real <c>nebula-cert</c>, in a temp directory.</summary>
public sealed class NebulaPki
{
    private readonly string dir;

    public NebulaPki(string dir)
    {
        this.dir = dir;
        Directory.CreateDirectory(dir);
        Run("ca", "-name", "test-ca", "-duration", "8760h", "-out-crt", Path.Combine(dir, "ca.crt"), "-out-key", Path.Combine(dir, "ca.key"));
        CaCert = File.ReadAllBytes(Path.Combine(dir, "ca.crt"));
    }

    public byte[] CaCert { get; }

    /// <summary>Signs a host certificate for <paramref name="ip"/> (CIDR form, e.g. 10.42.0.2/24); returns (crt, key) PEM bytes.</summary>
    public (byte[] Cert, byte[] Key) SignHost(string name, string ip)
    {
        string crt = Path.Combine(dir, name + ".crt"), key = Path.Combine(dir, name + ".key");
        Run("sign", "-name", name, "-ip", ip, "-ca-crt", Path.Combine(dir, "ca.crt"), "-ca-key", Path.Combine(dir, "ca.key"), "-out-crt", crt, "-out-key", key);
        return (File.ReadAllBytes(crt), File.ReadAllBytes(key));
    }

    /// <summary>Signs a host certificate for an existing public key (managed PKI: the key stays on the node).</summary>
    public byte[] SignPublicKey(string name, string ip, string publicKeyPemFile)
    {
        string crt = Path.Combine(dir, name + ".crt");
        File.Delete(crt);
        Run("sign", "-name", name, "-ip", ip, "-ca-crt", Path.Combine(dir, "ca.crt"), "-ca-key", Path.Combine(dir, "ca.key"), "-in-pub", publicKeyPemFile, "-out-crt", crt);
        return File.ReadAllBytes(crt);
    }

    private void Run(params string[] args)
    {
        var result = NebulaTools.NebulaCert(dir, args);
        Assert.True(result.ExitCode == 0, $"nebula-cert {string.Join(' ', args)}: {result.Describe()}");
    }
}
