using System.Net;
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

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
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

    public static string PublicIp(string? value)
    {
        if (string.IsNullOrEmpty(value) || !IPAddress.TryParse(value, out _))
        {
            throw new InvalidInput($"public_ip '{value}' is not an IP address; a lighthouse needs the address other nodes reach it on");
        }
        return value;
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
}
