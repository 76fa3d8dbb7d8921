using System.Globalization;
using System.Text.RegularExpressions;

namespace NebulaGC.Server.Domain;

/// <summary>
/// An inbound rule a cluster adds to every node's Nebula firewall, written <c>PROTO/PORT[@GROUP]</c>:
/// <c>tcp/443</c> (from any host), <c>tcp/22@admins</c> (from hosts in group admins), <c>udp/5000-5010</c>, <c>any/any@ops</c>.
/// </summary>
public sealed partial record FirewallRule(string Proto, string Port, string? Group)
{
    [GeneratedRegex("^(?<proto>any|tcp|udp|icmp)/(?<port>any|\\d{1,5}(-\\d{1,5})?)(@(?<group>[A-Za-z0-9][A-Za-z0-9._-]{0,62}))?$")]
    private static partial Regex Pattern();

    public static FirewallRule Parse(string text)
    {
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            throw new InvalidInput($"firewall rule '{text}' is not PROTO/PORT[@GROUP] (proto any|tcp|udp|icmp; port any, 443 or 8000-8080), e.g. tcp/22@admins");
        }
        var port = match.Groups["port"].Value;
        if (port != "any" && port.Split('-').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Any(p => p is < 1 or > 65535))
        {
            throw new InvalidInput($"firewall rule '{text}' has a port outside 1–65535");
        }
        return new FirewallRule(match.Groups["proto"].Value, port, match.Groups["group"].Success ? match.Groups["group"].Value : null);
    }

    public override string ToString() => Group is null ? $"{Proto}/{Port}" : $"{Proto}/{Port}@{Group}";
}
