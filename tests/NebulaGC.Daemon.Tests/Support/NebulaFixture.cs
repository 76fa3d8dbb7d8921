using System.Text;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>A real CA plus ready-made bundles for a tun-less nebula on 127.0.0.1 (no root needed).</summary>
public sealed class NebulaFixture
{
    public NebulaFixture(string dir)
    {
        Pki = new NebulaPki(Path.Combine(dir, "pki"));
        (HostCert, HostKey) = Pki.SignHost("node-a", "10.42.0.2/24");
    }

    public NebulaPki Pki { get; }
    public byte[] HostCert { get; }
    public byte[] HostKey { get; }

    /// <summary>An external-PKI bundle (host.key included) running nebula without tun on <paramref name="port"/>.</summary>
    public byte[] Bundle(int port, int mtu = 1300, string? configOverride = null, bool includeKey = true, byte[]? hostCert = null)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["config.yml"] = Encoding.UTF8.GetBytes(configOverride ?? NebulaConfigs.Render(port, tunDisabled: true, mtu)),
            ["ca.crt"] = Pki.CaCert,
            ["host.crt"] = hostCert ?? HostCert,
        };
        if (includeKey)
        {
            files["host.key"] = HostKey;
        }
        return Bundles.Create(files);
    }
}
