using System.Net;
using System.Runtime.CompilerServices;
using NebulaGC.Server.NebulaConfig;

namespace NebulaGC.Server.Tests.NebulaConfig;

/// <summary>
/// Pins the exact rendered <c>config.yml</c> and <c>lighthouses.json</c> for one representative node, so any change
/// to the output shows up in review. Refresh with <c>NEBULAGC_UPDATE_GOLDEN=1</c> after an intended change.
/// </summary>
public sealed class NebulaConfigGoldenTests
{
    private static readonly NebulaConfigInput RepresentativeNode = new()
    {
        Node = new NebulaNodeSettings("web-1", IPAddress.Parse("10.42.0.17")) { Mtu = 1400, TunDevice = "nebula-prod" },
        Lighthouses = [new NebulaLighthouse(IPAddress.Parse("10.42.0.1"), ["203.0.113.10:4242"])],
        ControlPlaneLighthouses =
        [
            new NebulaLighthouse(IPAddress.Parse("10.42.255.1"), ["198.51.100.7:4243"]),
            new NebulaLighthouse(IPAddress.Parse("10.42.255.2"), ["198.51.100.8:4243"]),
        ],
        Relays = [IPAddress.Parse("10.42.0.9")],
        UnsafeRoutes = [new NebulaUnsafeRoute(IPNetwork.Parse("192.168.10.0/24"), IPAddress.Parse("10.42.0.30")) { Mtu = 1300 }],
        BlocklistFingerprints = ["4436008e12d1864bd4eaab53647d87a7c323f696429478af1fa2301b1336e894"],
        ExtraFirewallRules = [new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "443", "tcp") { Groups = ["web"] }],
    };

    [Fact]
    public void ConfigYml_MatchesTheGoldenFile()
    {
        AssertMatchesGolden("representative-node.config.yml", NebulaConfigRenderer.Render(RepresentativeNode));
    }

    [Fact]
    public void LighthousesJson_MatchesTheGoldenFile()
    {
        AssertMatchesGolden("representative-node.lighthouses.json", System.Text.Encoding.UTF8.GetString(LighthousesJson.Render(RepresentativeNode)));
    }

    private static void AssertMatchesGolden(string fileName, string actual, [CallerFilePath] string sourceFile = "")
    {
        string golden = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Golden", fileName);
        if (Environment.GetEnvironmentVariable("NEBULAGC_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual);
        }
        Assert.True(File.Exists(golden), $"golden file {golden} is missing; run the tests once with NEBULAGC_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(golden), actual);
    }
}
