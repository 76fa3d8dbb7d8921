using System.Text;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>Nebula 1.6 configs for tests, PKI files named relative to the config directory as in a real bundle.</summary>
public static class NebulaConfigs
{
    /// <param name="peers">overlay IP → underlay "host:port", for static_host_map.</param>
    public static string Render(int listenPort, bool tunDisabled, int mtu = 1300, string? tunDev = null, IReadOnlyDictionary<string, string>? peers = null, string listenHost = "127.0.0.1")
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("pki:\n  ca: ca.crt\n  cert: host.crt\n  key: host.key");
        yaml.AppendLine(peers is null || peers.Count == 0 ? "static_host_map: {}" : "static_host_map:");
        foreach (var (ip, addr) in peers ?? new Dictionary<string, string>())
        {
            yaml.AppendLine($"  \"{ip}\": [\"{addr}\"]");
        }
        yaml.AppendLine("lighthouse:\n  am_lighthouse: false\n  hosts: []");
        yaml.AppendLine($"listen:\n  host: {listenHost}\n  port: {listenPort}");
        yaml.AppendLine("punchy:\n  punch: true");
        yaml.AppendLine($"tun:\n  disabled: {(tunDisabled ? "true" : "false")}\n  dev: {tunDev ?? "nebula1"}\n  mtu: {mtu}");
        yaml.AppendLine("logging:\n  level: info");
        yaml.AppendLine("firewall:\n  outbound:\n    - port: any\n      proto: any\n      host: any\n  inbound:\n    - port: any\n      proto: any\n      host: any");
        return yaml.ToString();
    }
}
