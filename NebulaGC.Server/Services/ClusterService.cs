using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

public sealed class ClusterService(ServiceContext context)
{
    /// <summary>The longest grace period an old cluster token may keep working after rotation.</summary>
    public static readonly TimeSpan MaxTokenGrace = TimeSpan.FromDays(1);

    public ClusterCreated Create(CreateClusterRequest request)
    {
        var name = Validation.Name(request.Name, "cluster");
        var network = OverlayNetwork.Parse(request.OverlayCidr ?? OverlayNetwork.DefaultCidr);
        var pki = request.Pki is null ? PkiMode.Managed
            : PkiModes.TryParse(request.Pki) ?? throw new InvalidInput($"pki mode '{request.Pki}' is unknown: use managed or external");
        var lighthousePort = Validation.Port(request.LighthousePort, "lighthouse port");
        var token = TokenService.Generate();
        var row = new ClusterRow(Guid.NewGuid(), request.TenantId, name, pki, network.Cidr, 1, context.Tokens.Hash(token), null, null,
            request.ProvideLighthouse, lighthousePort, context.Now());
        context.Database.Write((c, tx) =>
        {
            if (TenantStore.Find(c, tx, request.TenantId) is null)
            {
                throw new TenantNotFound(request.TenantId);
            }
            if (ClusterStore.NameExists(c, tx, request.TenantId, name))
            {
                throw new NameTaken($"tenant {request.TenantId} already has a cluster named '{name}'");
            }
            ClusterStore.Insert(c, tx, row);
            if (pki == PkiMode.Managed)
            {
                new PkiService(context).CreateCa(c, tx, row.ClusterId, row.Name, row.OverlayCidr);
            }
            return row;
        });
        return new ClusterCreated(row.ClusterId, row.TenantId, row.Name, token, row.OverlayCidr, row.PkiMode.Name(), row.ConfigVersion, row.CreatedAt);
    }

    public List<ClusterInfo> List(Guid tenantId) => context.Database.Read(c =>
    {
        if (TenantStore.Find(c, null, tenantId) is null)
        {
            throw new TenantNotFound(tenantId);
        }
        return ClusterStore.ListForTenant(c, tenantId)
            .Select(x => new ClusterInfo(x.Cluster.ClusterId, x.Cluster.TenantId, x.Cluster.Name, x.Cluster.OverlayCidr, x.Cluster.PkiMode.Name(),
                x.Cluster.ConfigVersion, x.NodeCount, x.Cluster.CreatedAt))
            .ToList();
    });

    /// <summary>
    /// Replaces the inbound rules every node's firewall gets on top of the default (ICMP from any host, all outbound);
    /// an empty list goes back to the default. The version moves so nodes apply it.
    /// </summary>
    public ClusterFirewall SetFirewall(Guid clusterId, IReadOnlyList<string> rules)
    {
        var parsed = rules.Select(FirewallRule.Parse).Select(r => r.ToString()).Distinct().ToList();
        var (_, version) = context.ChangeConfig(clusterId, (c, tx, _) =>
        {
            if (ClusterStore.Find(c, tx, clusterId) is null)
            {
                throw new ClusterNotFound(clusterId);
            }
            ClusterStore.SetFirewallInbound(c, tx, clusterId, parsed);
            return true;
        });
        return new ClusterFirewall(clusterId, parsed, version);
    }

    /// <summary>
    /// Replaces the prefixes inside which advertised routes are approved without review; an empty list turns auto-approval
    /// off (what it approved stays approved). Pending routes the new prefixes cover are approved now, so a policy covers the
    /// routers already waiting as well as later ones; the version moves when that changed any config.
    /// </summary>
    public ClusterRoutePolicy SetRoutePolicy(Guid clusterId, IReadOnlyList<string>? autoApprove)
    {
        var prefixes = Validation.AutoApprovePrefixes(autoApprove);
        var nodes = new NodeService(context);
        var (approvedNow, version) = context.ChangeConfigWhen(clusterId, (c, tx) =>
        {
            if (ClusterStore.Find(c, tx, clusterId) is null)
            {
                throw new ClusterNotFound(clusterId);
            }
            ClusterStore.SetRouteAutoApprove(c, tx, clusterId, prefixes);
            var approved = NodeStore.All(c, tx, clusterId)
                .Select(node => (Node: node, Covered: RouteApproval.Covered(node.Routes, node.ApprovedRoutes, prefixes)))
                .Where(x => x.Covered.Count > 0)
                .Select(x => nodes.StoreRoutes(c, tx, x.Node, x.Node.Routes, RouteApproval.Approve(x.Node.Routes, x.Node.ApprovedRoutes, x.Covered)).Result)
                .ToList();
            return (approved, approved.Count > 0);
        });
        return new ClusterRoutePolicy(clusterId, prefixes, approvedNow, version);
    }

    /// <summary>
    /// Replaces the cluster token. With a grace period the previous token keeps working until it ends, so nodes can be
    /// re-configured without an outage; the config version moves so daemons notice.
    /// </summary>
    public ClusterTokenResponse RotateToken(Guid clusterId, int? graceSeconds)
    {
        var grace = TimeSpan.FromSeconds(graceSeconds ?? 0);
        if (grace < TimeSpan.Zero || grace > MaxTokenGrace)
        {
            throw new InvalidInput($"grace_seconds {graceSeconds} is out of range: use 0–{(int)MaxTokenGrace.TotalSeconds}");
        }
        var token = TokenService.Generate();
        var now = context.Now();
        DateTimeOffset? validUntil = grace > TimeSpan.Zero ? now + grace : null;
        context.ChangeConfig(clusterId, (c, tx, _) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            ClusterStore.ReplaceToken(c, tx, clusterId, context.Tokens.Hash(token), validUntil is null ? null : cluster.TokenHash, validUntil);
            return true;
        });
        return new ClusterTokenResponse(token, validUntil);
    }
}
