using System.Net;

namespace NebulaGC.Server.Domain;

/// <summary>
/// Which advertised routes are approved. A node advertises; an admin approves, or the cluster's auto-approve prefixes do
/// for a route inside one of them — never for a default route. Approval belongs to the advertised set: a withdrawn route
/// loses it, and advertising it again starts it pending (or auto-approved) like a new one. All lists are canonical IPv4
/// networks sorted ordinally, as <see cref="Validation.Routes"/> returns them.
/// </summary>
public static class RouteApproval
{
    /// <summary>
    /// The approved set after a node replaces its advertisement: what stays advertised keeps its approval (or its pending
    /// state, so a rejected route stays rejected when the node simply re-announces), and newly advertised routes are
    /// approved when the policy covers them.
    /// </summary>
    public static IReadOnlyList<string> AfterAdvertising(IReadOnlyList<string> previouslyAdvertised, IReadOnlyList<string> previouslyApproved,
        IReadOnlyList<string> advertised, IReadOnlyList<string> autoApprove)
    {
        var kept = previouslyApproved.Intersect(advertised, StringComparer.Ordinal);
        var covered = advertised.Except(previouslyAdvertised, StringComparer.Ordinal).Where(route => Covers(autoApprove, route));
        return Sorted(kept.Concat(covered));
    }

    /// <summary>The approved set after an admin approves <paramref name="routes"/>, each of which the node must advertise.</summary>
    public static IReadOnlyList<string> Approve(IReadOnlyList<string> advertised, IReadOnlyList<string> approved, IReadOnlyList<string> routes)
    {
        RequireAdvertised(advertised, routes, "approve");
        return Sorted(approved.Concat(routes));
    }

    /// <summary>The approved set after an admin rejects <paramref name="routes"/>: they stay advertised, pending.</summary>
    public static IReadOnlyList<string> Reject(IReadOnlyList<string> advertised, IReadOnlyList<string> approved, IReadOnlyList<string> routes)
    {
        RequireAdvertised(advertised, routes, "reject");
        return Sorted(approved.Except(routes, StringComparer.Ordinal));
    }

    /// <summary>Pending routes the policy covers, to approve when the policy is set.</summary>
    public static IReadOnlyList<string> Covered(IReadOnlyList<string> advertised, IReadOnlyList<string> approved, IReadOnlyList<string> autoApprove) =>
        Sorted(advertised.Except(approved, StringComparer.Ordinal).Where(route => Covers(autoApprove, route)));

    public static IReadOnlyList<string> Pending(IReadOnlyList<string> advertised, IReadOnlyList<string> approved) =>
        advertised.Except(approved, StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="route"/> lies inside one of the prefixes; a default route never does.</summary>
    public static bool Covers(IReadOnlyList<string> prefixes, string route)
    {
        var network = IPNetwork.Parse(route);
        return network.PrefixLength > 0 && prefixes.Select(IPNetwork.Parse)
            .Any(prefix => prefix.PrefixLength <= network.PrefixLength && prefix.Contains(network.BaseAddress));
    }

    private static void RequireAdvertised(IReadOnlyList<string> advertised, IReadOnlyList<string> routes, string verb)
    {
        var missing = routes.Where(route => !advertised.Contains(route, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInput($"cannot {verb} {string.Join(", ", missing)}: the node does not advertise {(missing.Count == 1 ? "it" : "them")} (it advertises {(advertised.Count == 0 ? "no routes" : string.Join(", ", advertised))})");
        }
    }

    private static List<string> Sorted(IEnumerable<string> routes) => routes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
