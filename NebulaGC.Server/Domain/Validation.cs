using System.Text.RegularExpressions;

namespace NebulaGC.Server.Domain;

/// <summary>Input rules shared by the REST API, the admin socket and the CLI.</summary>
public static partial class Validation
{
    public const int MinMtu = 1280;
    public const int MaxMtu = 9000;
    public const int DefaultMtu = 1300;
    public const int DefaultLighthousePort = 4242;
    public const int MaxGroups = 32;
    public const int MaxRoutes = 256;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z")]
    private static partial Regex NamePattern();

    public static string Name(string? value, string what)
    {
        if (string.IsNullOrEmpty(value) || !NamePattern().IsMatch(value))
        {
            throw new InvalidInput($"{what} name '{value}' is invalid: use 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    public static int Mtu(int? value)
    {
        var mtu = value ?? DefaultMtu;
        if (mtu is < MinMtu or > MaxMtu)
        {
            throw new InvalidInput($"mtu {mtu} is out of range: use {MinMtu}–{MaxMtu}");
        }
        return mtu;
    }

    public static int Port(int? value, string what)
    {
        var port = value ?? DefaultLighthousePort;
        if (port is < 1 or > 65535)
        {
            throw new InvalidInput($"{what} {port} is out of range: use 1–65535");
        }
        return port;
    }

    public static IReadOnlyList<string> Groups(IReadOnlyList<string>? groups)
    {
        if (groups is null)
        {
            return [];
        }
        if (groups.Count > MaxGroups)
        {
            throw new InvalidInput($"{groups.Count} groups given; at most {MaxGroups} are allowed");
        }
        foreach (var group in groups)
        {
            Name(group, "group");
        }
        return groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A lighthouse's public address, returned in canonical form (what configs carry).</summary>
    public static string PublicIp(string? value)
    {
        if (!Cidr.TryParseAddress(value, out var address))
        {
            throw new InvalidInput($"public_ip '{value}' is not an IP address written as dotted decimal without leading zeros (e.g. 203.0.113.7) or plain IPv6 without a zone id (e.g. 2001:db8::7); a lighthouse needs the address other nodes reach it on");
        }
        return address.ToString();
    }

    /// <summary>Normalises and checks advertised routes: IPv4 networks written with their network address.</summary>
    public static IReadOnlyList<string> Routes(IReadOnlyList<string>? routes)
    {
        if (routes is null)
        {
            throw new InvalidInput("routes is required (an empty list clears the node's routes)");
        }
        if (routes.Count > MaxRoutes)
        {
            throw new InvalidInput($"{routes.Count} routes given; at most {MaxRoutes} are allowed");
        }
        var normalised = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!Cidr.TryParseIPv4Network(route, out var network))
            {
                throw new InvalidInput($"route '{route}' is not a valid IPv4 CIDR such as 192.168.10.0/24 (the network address, not a host address)");
            }
            normalised.Add(network.ToString());
        }
        return normalised.ToList();
    }

    /// <summary>A non-empty list of canonical routes to approve or reject.</summary>
    public static IReadOnlyList<string> RouteSelection(IReadOnlyList<string>? routes)
    {
        var valid = Routes(routes);
        if (valid.Count == 0)
        {
            throw new InvalidInput("routes is empty: name the advertised routes (CIDRs) to approve or reject");
        }
        return valid;
    }

    /// <summary>A cluster's auto-approve prefixes: canonical IPv4 networks, never a default route (which would approve every route).</summary>
    public static IReadOnlyList<string> AutoApprovePrefixes(IReadOnlyList<string>? prefixes)
    {
        var valid = Routes(prefixes ?? []);
        if (valid.FirstOrDefault(p => p.EndsWith("/0", StringComparison.Ordinal)) is { } everything)
        {
            throw new InvalidInput($"auto-approve prefix '{everything}' would approve every route: list the networks routers may announce without review (a default route is only ever approved explicitly)");
        }
        return valid;
    }

    /// <summary>
    /// A node may not advertise a route that covers overlay addresses: it would divert overlay traffic to itself and let
    /// one node route the whole cluster. A default route may be advertised (an exit node), but it stays pending until an
    /// admin approves it explicitly, and Nebula prefers the overlay's own, more specific route.
    /// </summary>
    public static void RoutesOutsideOverlay(IReadOnlyList<string> routes, string overlayCidr)
    {
        if (!Cidr.TryParseIPv4Network(overlayCidr, out var overlay))
        {
            throw new InvalidOperationException($"the cluster's overlay CIDR '{overlayCidr}' is not a network");
        }
        foreach (var route in routes)
        {
            if (!Cidr.TryParseIPv4Network(route, out var network))
            {
                throw new InvalidInput($"route '{route}' is not a valid IPv4 CIDR");
            }
            if (network.PrefixLength > 0 && Cidr.Overlaps(network, overlay))
            {
                throw new InvalidInput($"route '{route}' overlaps the cluster's overlay network {overlayCidr}: it would divert overlay traffic to one node");
            }
        }
    }
}
