using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// Renders a node's Nebula 1.6 <c>config.yml</c> from a <see cref="NebulaConfigInput"/>. Output is deterministic
/// (fixed key order, input list order) and built with YamlDotNet's representation model (no reflection, AOT-safe).
/// Cost is linear in the input lists; nothing is compared pairwise.
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
    /// <exception cref="ArgumentException">An MTU out of range, a non-IPv4 overlay address, an endpoint without a port, or a firewall rule without host, groups or cidr.</exception>
    public static string Render(NebulaConfigInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Render(input, NebulaPeers.Resolve(input));
    }

    /// <summary>Renders with peers already resolved (the bundle builder resolves them once for both files).</summary>
    internal static string Render(NebulaConfigInput input, NebulaPeers peers)
    {
        NebulaNodeSettings node = input.Node;
        RequireMtu(node.Mtu, "node MTU");
        var root = new YamlMappingNode
        {
            { "pki", Pki(input.BlocklistFingerprints) },
            { "static_host_map", StaticHostMap(peers.Lighthouses) },
            { "lighthouse", Lighthouse(node, peers.Lighthouses) },
            { "listen", Listen(node) },
            { "punchy", new YamlMappingNode { { "punch", Bool(true) }, { "respond", Bool(true) } } },
            { "relay", Relay(node, peers.Relays) },
            { "tun", Tun(node, input.UnsafeRoutes) },
            { "logging", new YamlMappingNode { { "level", Quoted(node.LogLevel) }, { "format", "text" } } },
            { "firewall", Firewall(input.ExtraFirewallRules) },
        };
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Pki(IReadOnlyList<string> blocklist)
    {
        var pki = new YamlMappingNode
        {
            { "ca", CaFileName },
            { "cert", CertificateFileName },
            { "key", KeyFileName },
        };
        if (blocklist.Count > 0)
        {
            var fingerprints = new YamlSequenceNode();
            foreach (string fingerprint in blocklist)
            {
                // Quoted: a hex fingerprint such as "1234e5..." could otherwise read as a number.
                fingerprints.Add(Quoted(fingerprint));
            }
            pki.Add("blocklist", fingerprints);
        }
        return pki;
    }

    private static YamlMappingNode StaticHostMap(IReadOnlyList<NebulaPeers.Lighthouse> lighthouses)
    {
        var map = new YamlMappingNode();
        foreach (NebulaPeers.Lighthouse lighthouse in lighthouses)
        {
            var endpoints = new YamlSequenceNode();
            foreach (string endpoint in lighthouse.Endpoints)
            {
                endpoints.Add(Quoted(endpoint));
            }
            map.Add(Quoted(lighthouse.OverlayIp.ToString()), endpoints);
        }
        return map;
    }

    private static YamlMappingNode Lighthouse(NebulaNodeSettings node, IReadOnlyList<NebulaPeers.Lighthouse> lighthouses)
    {
        var hosts = new YamlSequenceNode();
        // A lighthouse must not list lighthouses to report to; everyone else reports to all of them.
        if (!node.IsLighthouse)
        {
            foreach (NebulaPeers.Lighthouse lighthouse in lighthouses)
            {
                hosts.Add(Quoted(lighthouse.OverlayIp.ToString()));
            }
        }
        return new YamlMappingNode
        {
            { "am_lighthouse", Bool(node.IsLighthouse) },
            { "interval", Number(node.LighthouseIntervalSeconds) },
            { "hosts", hosts },
        };
    }

    private static YamlMappingNode Listen(NebulaNodeSettings node)
    {
        int port = node.IsLighthouse || node.IsRelay ? node.PinnedListenPort : 0;
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(node), port, "listen port must be 0 to 65535");
        }
        return new YamlMappingNode
        {
            { "host", Quoted(node.ListenHost) },
            { "port", Number(port) },
        };
    }

    private static YamlMappingNode Relay(NebulaNodeSettings node, IReadOnlyList<IPAddress> relays)
    {
        var relayList = new YamlSequenceNode();
        foreach (IPAddress relay in relays)
        {
            relayList.Add(Quoted(relay.ToString()));
        }
        return new YamlMappingNode
        {
            { "am_relay", Bool(node.IsRelay) },
            { "use_relays", Bool(true) },
            { "relays", relayList },
        };
    }

    private static YamlMappingNode Tun(NebulaNodeSettings node, IReadOnlyList<NebulaUnsafeRoute> unsafeRoutes)
    {
        var routes = new YamlSequenceNode();
        foreach (NebulaUnsafeRoute route in unsafeRoutes)
        {
            NebulaPeers.RequireIpv4(route.Via, "unsafe route via");
            if (route.Via.Equals(node.OverlayIp))
            {
                continue;
            }
            var entry = new YamlMappingNode
            {
                { "route", Quoted(route.Route.ToString()) },
                { "via", Quoted(route.Via.ToString()) },
            };
            if (route.Mtu is int mtu)
            {
                RequireMtu(mtu, $"MTU of unsafe route {route.Route}");
                entry.Add("mtu", Number(mtu));
            }
            routes.Add(entry);
        }
        var tun = new YamlMappingNode();
        if (node.TunDisabled)
        {
            tun.Add("disabled", Bool(true));
        }
        tun.Add("dev", Quoted(node.TunDevice));
        tun.Add("mtu", Number(node.Mtu));
        tun.Add("unsafe_routes", routes);
        return tun;
    }

    private static YamlMappingNode Firewall(IReadOnlyList<NebulaFirewallRule> extraRules)
    {
        var outbound = new YamlSequenceNode { Rule("any", "any", "any") };
        var inbound = new YamlSequenceNode { Rule("any", "icmp", "any") };
        foreach (NebulaFirewallRule rule in extraRules)
        {
            (rule.Direction == NebulaFirewallDirection.Inbound ? inbound : outbound).Add(Rule(rule));
        }
        return new YamlMappingNode
        {
            { "outbound", outbound },
            { "inbound", inbound },
        };
    }

    private static YamlMappingNode Rule(string port, string proto, string host) => new()
    {
        { "port", port },
        { "proto", proto },
        { "host", host },
    };

    private static YamlMappingNode Rule(NebulaFirewallRule rule)
    {
        if (rule.Host is null && rule.Groups.Count == 0 && rule.Cidr is null)
        {
            throw new ArgumentException($"firewall rule {rule.Direction} {rule.Proto}/{rule.Port} needs a host, groups or cidr", nameof(rule));
        }
        var entry = new YamlMappingNode
        {
            { "port", Quoted(rule.Port) },
            { "proto", Quoted(rule.Proto) },
        };
        if (rule.Host is not null)
        {
            entry.Add("host", Quoted(rule.Host));
        }
        if (rule.Groups.Count > 0)
        {
            var groups = new YamlSequenceNode();
            foreach (string group in rule.Groups)
            {
                groups.Add(Quoted(group));
            }
            entry.Add("groups", groups);
        }
        if (rule.Cidr is not null)
        {
            entry.Add("cidr", Quoted(rule.Cidr));
        }
        return entry;
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static YamlScalarNode Number(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    private static void RequireMtu(int mtu, string what)
    {
        if (mtu is < MinimumMtu or > MaximumMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(mtu), mtu, $"{what} must be {MinimumMtu} to {MaximumMtu}");
        }
    }
}
