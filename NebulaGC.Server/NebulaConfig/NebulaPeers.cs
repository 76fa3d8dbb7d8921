using System.Net;
using System.Net.Sockets;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// The lighthouses and relays one node talks to, resolved once from a <see cref="NebulaConfigInput"/> and shared by
/// <c>config.yml</c> and <c>lighthouses.json</c>: the node itself removed, duplicates merged by overlay IP
/// (first occurrence wins, node lighthouses before control-plane ones), input order kept.
/// </summary>
internal sealed record NebulaPeers(IReadOnlyList<NebulaPeers.Lighthouse> Lighthouses, IReadOnlyList<IPAddress> Relays)
{
    public sealed record Lighthouse(IPAddress OverlayIp, IReadOnlyList<string> Endpoints, bool IsControlPlane);

    public static NebulaPeers Resolve(NebulaConfigInput input)
    {
        NebulaNodeSettings node = input.Node;
        RequireIpv4(node.OverlayIp, "node overlay IP");
        var seenLighthouses = new HashSet<IPAddress> { node.OverlayIp };
        var lighthouses = new List<Lighthouse>(input.Lighthouses.Count + input.ControlPlaneLighthouses.Count);
        AddLighthouses(input.Lighthouses, isControlPlane: false, seenLighthouses, lighthouses);
        AddLighthouses(input.ControlPlaneLighthouses, isControlPlane: true, seenLighthouses, lighthouses);

        var relays = new List<IPAddress>(input.Relays.Count);
        // Nebula ignores relays configured on a relay (no relay chains), so a relay gets none.
        if (!node.IsRelay)
        {
            var seenRelays = new HashSet<IPAddress> { node.OverlayIp };
            foreach (IPAddress relay in input.Relays)
            {
                RequireIpv4(relay, "relay overlay IP");
                if (seenRelays.Add(relay))
                {
                    relays.Add(relay);
                }
            }
        }
        return new NebulaPeers(lighthouses, relays);
    }

    public static void RequireIpv4(IPAddress? address, string what)
    {
        if (address is null || address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{what} '{address}' is not an IPv4 address (Nebula 1.6 overlays are IPv4)");
        }
    }

    private static void AddLighthouses(IReadOnlyList<NebulaLighthouse> candidates, bool isControlPlane, HashSet<IPAddress> seen, List<Lighthouse> result)
    {
        foreach (NebulaLighthouse candidate in candidates)
        {
            RequireIpv4(candidate.OverlayIp, "lighthouse overlay IP");
            // Nebula refuses a lighthouse host without a static_host_map entry, so one without endpoints is left out.
            if (candidate.Endpoints.Count > 0 && seen.Add(candidate.OverlayIp))
            {
                foreach (string endpoint in candidate.Endpoints)
                {
                    RequireEndpoint(endpoint);
                }
                result.Add(new Lighthouse(candidate.OverlayIp, candidate.Endpoints, isControlPlane));
            }
        }
    }

    private static void RequireEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0
            || !ushort.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort port)
            || port == 0)
        {
            throw new ArgumentException($"lighthouse endpoint '{endpoint}' must be host:port, e.g. 203.0.113.10:4242");
        }
    }
}
