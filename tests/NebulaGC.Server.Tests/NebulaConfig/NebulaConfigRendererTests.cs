using System.Net;
using NebulaGC.Client.Pki;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Tests.Pki;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.Server.Tests.NebulaConfig;

public sealed class NebulaConfigRendererTests
{
    private static readonly CertificateAuthority ClusterCa =
        CertificateAuthority.Create(new CertificateAuthorityRequest("nebulagc test cluster", TimeSpan.FromDays(30)));

    private static readonly IPAddress Self = IPAddress.Parse("10.42.0.17");

    private static readonly NebulaLighthouse NodeLighthouse = new(IPAddress.Parse("10.42.0.1"), ["203.0.113.10:4242"]);

    private static readonly NebulaLighthouse ControlPlaneLighthouse =
        new(IPAddress.Parse("10.42.255.1"), ["localhost:4243", "198.51.100.7:4243"]);

    [Fact]
    public void PlainNode_PassesNebulaTest_AndReportsToEveryLighthouse()
    {
        NebulaConfigInput input = PlainNode();

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        Assert.Equal(["10.42.0.1", "10.42.255.1"], Strings(config, "lighthouse", "hosts"));
        Assert.Equal("false", Scalar(config, "lighthouse", "am_lighthouse"));
        Assert.Equal(["10.42.0.1", "10.42.255.1"], Mapping(config, "static_host_map").Children.Keys.Select(key => ((YamlScalarNode)key).Value));
        Assert.Equal(["localhost:4243", "198.51.100.7:4243"], Strings(config, "static_host_map", "10.42.255.1"));
        Assert.Equal("0", Scalar(config, "listen", "port"));
        Assert.Equal("0.0.0.0", Scalar(config, "listen", "host"));
        Assert.Equal(["10.42.0.9"], Strings(config, "relay", "relays"));
        Assert.Equal("true", Scalar(config, "relay", "use_relays"));
        Assert.Equal("1300", Scalar(config, "tun", "mtu"));
        Assert.Equal("ca.crt", Scalar(config, "pki", "ca"));
        Assert.Equal("host.crt", Scalar(config, "pki", "cert"));
        Assert.Equal("host.key", Scalar(config, "pki", "key"));
    }

    [Fact]
    public void TopLevelKeys_AreInAFixedOrder_AndRenderingIsDeterministic()
    {
        NebulaConfigInput input = PlainNode();

        string first = NebulaConfigRenderer.Render(input);
        string second = NebulaConfigRenderer.Render(input with { Lighthouses = [.. input.Lighthouses] });

        Assert.Equal(first, second);
        Assert.Equal(
            ["pki", "static_host_map", "lighthouse", "listen", "punchy", "relay", "tun", "logging", "firewall"],
            Parse(first).Children.Keys.Select(key => ((YamlScalarNode)key).Value));
    }

    [Fact]
    public void Lighthouse_PassesNebulaTest_ListsNoLighthouseHosts_AndPinsItsPort()
    {
        NebulaConfigInput input = PlainNode() with
        {
            Node = new NebulaNodeSettings("lh-1", NodeLighthouse.OverlayIp) { IsLighthouse = true, PinnedListenPort = 4242 },
        };

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        Assert.Equal("true", Scalar(config, "lighthouse", "am_lighthouse"));
        Assert.Empty(Strings(config, "lighthouse", "hosts"));
        Assert.Equal("4242", Scalar(config, "listen", "port"));
        Assert.Equal(["10.42.255.1"], Mapping(config, "static_host_map").Children.Keys.Select(key => ((YamlScalarNode)key).Value));
    }

    [Fact]
    public void Relay_PassesNebulaTest_IsMarkedAsRelay_AndListsNoRelays()
    {
        NebulaConfigInput input = PlainNode() with
        {
            Node = new NebulaNodeSettings("relay-1", IPAddress.Parse("10.42.0.9")) { IsRelay = true, PinnedListenPort = 4300 },
        };

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        Assert.Equal("true", Scalar(config, "relay", "am_relay"));
        Assert.Empty(Strings(config, "relay", "relays"));
        Assert.Equal("4300", Scalar(config, "listen", "port"));
    }

    [Fact]
    public void NodeWithUnsafeRoutes_PassesNebulaTest_AndSkipsItsOwnRoutes()
    {
        NebulaConfigInput input = PlainNode() with
        {
            Node = new NebulaNodeSettings("web-1", Self) { Mtu = 1400 },
            UnsafeRoutes =
            [
                new NebulaUnsafeRoute(IPNetwork.Parse("192.168.10.0/24"), IPAddress.Parse("10.42.0.30")),
                new NebulaUnsafeRoute(IPNetwork.Parse("172.16.0.0/12"), IPAddress.Parse("10.42.0.31")) { Mtu = 1300 },
                new NebulaUnsafeRoute(IPNetwork.Parse("192.168.99.0/24"), Self),
            ],
        };

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        var routes = (YamlSequenceNode)Mapping(config, "tun")["unsafe_routes"];
        Assert.Equal(2, routes.Children.Count);
        Assert.Equal("192.168.10.0/24", Scalar((YamlMappingNode)routes[0], "route"));
        Assert.Equal("10.42.0.30", Scalar((YamlMappingNode)routes[0], "via"));
        Assert.False(((YamlMappingNode)routes[0]).Children.ContainsKey("mtu"));
        Assert.Equal("1300", Scalar((YamlMappingNode)routes[1], "mtu"));
        Assert.Equal("1400", Scalar(config, "tun", "mtu"));
    }

    [Fact]
    public void NodeWithBlocklistAndExtraRules_PassesNebulaTest_AndKeepsTheDefaultFirewall()
    {
        NebulaConfigInput input = PlainNode() with
        {
            BlocklistFingerprints = ["1234e5" + new string('0', 58), new string('a', 64)],
            ExtraFirewallRules =
            [
                new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "443", "tcp") { Groups = ["web", "prod"] },
                new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "8000-8080", "tcp") { Cidr = "10.42.1.0/24" },
                new NebulaFirewallRule(NebulaFirewallDirection.Outbound, "53", "udp") { Host = "dns-1" },
            ],
        };

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        Assert.Equal(input.BlocklistFingerprints, Strings(config, "pki", "blocklist"));
        var inbound = (YamlSequenceNode)Mapping(config, "firewall")["inbound"];
        Assert.Equal(["icmp", "tcp", "tcp"], inbound.Children.Select(rule => Scalar((YamlMappingNode)rule, "proto")));
        Assert.Equal("any", Scalar((YamlMappingNode)inbound[0], "host"));
        var outbound = (YamlSequenceNode)Mapping(config, "firewall")["outbound"];
        Assert.Equal(["any", "dns-1"], outbound.Children.Select(rule => Scalar((YamlMappingNode)rule, "host")));
    }

    [Fact]
    public void ControlPlaneLighthouse_WithTunDisabled_PassesNebulaTest()
    {
        NebulaConfigInput input = PlainNode() with
        {
            Node = new NebulaNodeSettings("cp1", ControlPlaneLighthouse.OverlayIp) { IsLighthouse = true, TunDisabled = true, PinnedListenPort = 4243 },
        };

        YamlMappingNode config = RenderAndCheckWithNebula(input);

        Assert.Equal("true", Scalar(config, "tun", "disabled"));
        Assert.Equal(["10.42.0.1"], Mapping(config, "static_host_map").Children.Keys.Select(key => ((YamlScalarNode)key).Value));
    }

    [Fact]
    public void NebulaTest_RejectsALighthouseHostWithoutStaticHostMapEntry()
    {
        // Proves that nebula -test is a real gate for what the renderer must get right.
        using var directory = new TempDirectory();
        NebulaConfigInput input = PlainNode();
        WriteNodeFiles(directory, input.Node);
        directory.Write("config.yml", NebulaConfigRenderer.Render(input).Replace("\"10.42.0.1\":", "\"10.42.0.2\":", StringComparison.Ordinal));

        ProcessResult test = NebulaTools.Nebula(directory.Path, "-test", "-config", "config.yml");

        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("static_host_map", test.Stdout + test.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void LighthousesWithoutEndpoints_AndDuplicates_AreLeftOut()
    {
        NebulaConfigInput input = PlainNode() with
        {
            Lighthouses = [NodeLighthouse, new NebulaLighthouse(IPAddress.Parse("10.42.0.2"), []), NodeLighthouse],
        };

        YamlMappingNode config = Parse(NebulaConfigRenderer.Render(input));

        Assert.Equal(["10.42.0.1", "10.42.255.1"], Strings(config, "lighthouse", "hosts"));
    }

    [Theory]
    [InlineData(1279)]
    [InlineData(9001)]
    public void Render_RejectsAnMtuOutOfRange(int mtu)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NebulaConfigRenderer.Render(PlainNode() with { Node = new NebulaNodeSettings("n", Self) { Mtu = mtu } }));
    }

    [Fact]
    public void Render_RejectsAnEndpointWithoutPort_AndARuleWithoutSelector()
    {
        Assert.Throws<ArgumentException>(() => NebulaConfigRenderer.Render(PlainNode() with
        {
            Lighthouses = [new NebulaLighthouse(IPAddress.Parse("10.42.0.1"), ["203.0.113.10"])],
        }));
        Assert.Throws<ArgumentException>(() => NebulaConfigRenderer.Render(PlainNode() with
        {
            ExtraFirewallRules = [new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "22", "tcp")],
        }));
    }

    internal static NebulaConfigInput PlainNode() => new()
    {
        Node = new NebulaNodeSettings("web-1", Self),
        Lighthouses = [NodeLighthouse],
        ControlPlaneLighthouses = [ControlPlaneLighthouse],
        Relays = [IPAddress.Parse("10.42.0.9"), Self],
    };

    /// <summary>Writes ca.crt, host.crt and host.key for <paramref name="node"/>, as the daemon's config directory holds them.</summary>
    internal static void WriteNodeFiles(TempDirectory directory, NebulaNodeSettings node)
    {
        X25519KeyPair key = X25519KeyPair.Generate();
        NebulaCertificate certificate = ClusterCa.SignHostCertificate(new HostCertificateRequest(
            node.Name, key.PublicKeyPem(), new OverlayAddress(node.OverlayIp, 16), TimeSpan.FromDays(1))
        {
            Subnets = [OverlayAddress.Parse("192.168.99.0/24")],
        });
        directory.Write("ca.crt", ClusterCa.CertificatePem);
        directory.Write("host.crt", certificate.ToPem());
        directory.Write("host.key", key.PrivateKeyPem());
    }

    internal static string CaPem => ClusterCa.CertificatePem;

    private static YamlMappingNode RenderAndCheckWithNebula(NebulaConfigInput input)
    {
        using var directory = new TempDirectory();
        WriteNodeFiles(directory, input.Node);
        string yaml = NebulaConfigRenderer.Render(input);
        directory.Write("config.yml", yaml);

        ProcessResult test = NebulaTools.Nebula(directory.Path, "-test", "-config", "config.yml");

        Assert.True(test.ExitCode == 0, test.Describe() + "\nconfig.yml:\n" + yaml);
        return Parse(yaml);
    }

    internal static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode root, string key) => (YamlMappingNode)root[key];

    private static string Scalar(YamlMappingNode mapping, string key) => ((YamlScalarNode)mapping[key]).Value!;

    private static string Scalar(YamlMappingNode root, string section, string key) => Scalar(Mapping(root, section), key);

    private static string[] Strings(YamlMappingNode root, string section, string key) =>
        ((YamlSequenceNode)Mapping(root, section)[key]).Children.Select(item => ((YamlScalarNode)item).Value!).ToArray();
}
