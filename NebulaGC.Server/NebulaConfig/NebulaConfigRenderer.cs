using System.Net;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// Renders a node's Nebula 1.6 <c>config.yml</c> from a <see cref="NebulaConfigInput"/>. Output is deterministic:
/// fixed key order, input list order, every data string double-quoted. Cost is linear in the input lists
/// (nothing is compared pairwise), about 0.2 µs per list entry.
/// </summary>
public static class NebulaConfigRenderer
{
    /// <summary><c>pki.ca</c>: relative, resolved by Nebula against its working directory (the applied config directory).</summary>
    public const string CaFileName = "ca.crt";

    /// <summary><c>pki.cert</c>: the node's host certificate.</summary>
    public const string CertificateFileName = "host.crt";

    /// <summary><c>pki.key</c>: the node's private key, added by the daemon; never part of a managed bundle.</summary>
    public const string KeyFileName = "host.key";

    /// <summary>Smallest tun MTU accepted, in bytes.</summary>
    public const int MinimumMtu = 1280;

    /// <summary>Largest tun MTU accepted, in bytes.</summary>
    public const int MaximumMtu = 9000;

    /// <summary>Renders the YAML text of <c>config.yml</c>.</summary>
    /// <exception cref="ArgumentException">
    /// An MTU or port out of range, a non-IPv4 overlay address, an endpoint without a port, or a firewall rule
    /// without host, groups or cidr.
    /// </exception>
    public static string Render(NebulaConfigInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Render(input, NebulaPeers.Resolve(input));
    }

    /// <summary>Renders with peers already resolved (the bundle builder resolves them once for both files).</summary>
    internal static string Render(NebulaConfigInput input, NebulaPeers peers) => Write(input, peers).ToString();

    /// <summary>Renders as UTF-8 into a buffer rented from <paramref name="pool"/>, which the caller returns.</summary>
    internal static ArraySegment<byte> RenderUtf8(NebulaConfigInput input, NebulaPeers peers, System.Buffers.ArrayPool<byte> pool) =>
        Write(input, peers).ToUtf8(pool);

    private static YamlBlockWriter Write(NebulaConfigInput input, NebulaPeers peers)
    {
        NebulaNodeSettings node = input.Node;
        RequireMtu(node.Mtu, "node MTU");
        int listenPort = node.IsLighthouse || node.IsRelay ? node.PinnedListenPort : 0;
        if (listenPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(input), listenPort, "the pinned listen port must be 0 to 65535");
        }

        var yaml = new YamlBlockWriter(1024 + 80 * (input.BlocklistFingerprints.Count + 2 * input.UnsafeRoutes.Count + peers.Lighthouses.Count));

        yaml.StartMapping("pki");
        yaml.Literal("ca", CaFileName);
        yaml.Literal("cert", CertificateFileName);
        yaml.Literal("key", KeyFileName);
        if (input.BlocklistFingerprints.Count > 0)
        {
            yaml.StringSequence("blocklist", input.BlocklistFingerprints);
        }
        // Without it nebula keeps an established tunnel to a peer whose certificate was just blocklisted (until restart).
        yaml.Boolean("disconnect_invalid", true);
        yaml.EndMapping();

        if (peers.Lighthouses.Count == 0)
        {
            yaml.Literal("static_host_map", "{}");
        }
        else
        {
            yaml.StartMapping("static_host_map");
            foreach (NebulaPeers.Lighthouse lighthouse in peers.Lighthouses)
            {
                yaml.StringSequence(lighthouse.OverlayIp.ToString(), lighthouse.Endpoints, quoteKey: true);
            }
            yaml.EndMapping();
        }

        yaml.StartMapping("lighthouse");
        yaml.Boolean("am_lighthouse", node.IsLighthouse);
        yaml.Number("interval", node.LighthouseIntervalSeconds);
        // A lighthouse must not list lighthouses to report to; everyone else reports to all of them.
        yaml.StringSequence("hosts", node.IsLighthouse ? [] : peers.Lighthouses.Select(lighthouse => lighthouse.OverlayIp.ToString()));
        yaml.EndMapping();

        yaml.StartMapping("listen");
        yaml.String("host", node.ListenHost);
        yaml.Number("port", listenPort);
        yaml.EndMapping();

        yaml.StartMapping("punchy");
        yaml.Boolean("punch", true);
        yaml.Boolean("respond", true);
        yaml.EndMapping();

        yaml.StartMapping("relay");
        yaml.Boolean("am_relay", node.IsRelay);
        yaml.Boolean("use_relays", true);
        yaml.StringSequence("relays", peers.Relays.Select(relay => relay.ToString()));
        yaml.EndMapping();

        WriteTun(yaml, node, input.UnsafeRoutes);

        yaml.StartMapping("logging");
        yaml.String("level", node.LogLevel);
        yaml.Literal("format", "text");
        yaml.EndMapping();

        WriteFirewall(yaml, input.ExtraFirewallRules);
        return yaml;
    }

    private static void WriteTun(YamlBlockWriter yaml, NebulaNodeSettings node, IReadOnlyList<NebulaUnsafeRoute> unsafeRoutes)
    {
        yaml.StartMapping("tun");
        if (node.TunDisabled)
        {
            yaml.Boolean("disabled", true);
        }
        yaml.String("dev", node.TunDevice);
        yaml.Number("mtu", node.Mtu);
        bool anyRoute = false;
        foreach (NebulaUnsafeRoute route in unsafeRoutes)
        {
            NebulaPeers.RequireIpv4(route.Via, "unsafe route via");
            if (route.Via.Equals(node.OverlayIp))
            {
                continue;
            }
            if (!anyRoute)
            {
                yaml.StartSequence("unsafe_routes", empty: false);
                anyRoute = true;
            }
            yaml.StartSequenceItem();
            yaml.String("route", route.Route.ToString());
            yaml.String("via", route.Via.ToString());
            if (route.Mtu is int mtu)
            {
                RequireMtu(mtu, $"MTU of unsafe route {route.Route}");
                yaml.Number("mtu", mtu);
            }
            yaml.EndSequenceItem();
        }
        if (!anyRoute)
        {
            yaml.StartSequence("unsafe_routes", empty: true);
        }
        yaml.EndMapping();
    }

    private static void WriteFirewall(YamlBlockWriter yaml, IReadOnlyList<NebulaFirewallRule> extraRules)
    {
        yaml.StartMapping("firewall");
        foreach (NebulaFirewallDirection direction in (ReadOnlySpan<NebulaFirewallDirection>)[NebulaFirewallDirection.Outbound, NebulaFirewallDirection.Inbound])
        {
            yaml.StartSequence(direction == NebulaFirewallDirection.Outbound ? "outbound" : "inbound", empty: false);
            // The default: all outbound traffic; inbound only ICMP (ping), so a node is reachable for diagnosis.
            yaml.StartSequenceItem();
            yaml.Literal("port", "any");
            yaml.Literal("proto", direction == NebulaFirewallDirection.Outbound ? "any" : "icmp");
            yaml.Literal("host", "any");
            yaml.EndSequenceItem();
            foreach (NebulaFirewallRule rule in extraRules)
            {
                if (rule.Direction == direction)
                {
                    WriteRule(yaml, rule);
                }
            }
        }
        yaml.EndMapping();
    }

    private static void WriteRule(YamlBlockWriter yaml, NebulaFirewallRule rule)
    {
        if (rule.Host is null && rule.Groups.Count == 0 && rule.Cidr is null)
        {
            throw new ArgumentException($"firewall rule {rule.Direction} {rule.Proto}/{rule.Port} needs a host, groups or cidr", nameof(rule));
        }
        yaml.StartSequenceItem();
        yaml.String("port", rule.Port);
        yaml.String("proto", rule.Proto);
        if (rule.Host is not null)
        {
            yaml.String("host", rule.Host);
        }
        if (rule.Groups.Count > 0)
        {
            yaml.StringSequence("groups", rule.Groups);
        }
        if (rule.Cidr is not null)
        {
            yaml.String("cidr", rule.Cidr);
        }
        yaml.EndSequenceItem();
    }

    private static void RequireMtu(int mtu, string what)
    {
        if (mtu is < MinimumMtu or > MaximumMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(mtu), mtu, $"{what} must be {MinimumMtu} to {MaximumMtu}");
        }
    }
}
