using Microsoft.Data.Sqlite;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

/// <summary>Node lifecycle within one cluster. Every change that alters a rendered config bumps the cluster version in the same transaction.</summary>
public sealed class NodeService(ServiceContext context)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>How long a deleted node's address stays out of IPAM: the longest a host certificate issued for it can be valid.</summary>
    public static readonly TimeSpan RetiredAddressHold = TimeSpan.FromDays(365);

    public NodeCreated Create(AdminCreateNodeRequest request)
    {
        var name = Validation.Name(request.Name, "node");
        var mtu = Validation.Mtu(request.Mtu);
        var groups = Validation.Groups(request.Groups);
        var token = TokenService.Generate();
        var now = context.Now();
        var (created, _) = context.ChangeConfig(request.ClusterId, (c, tx, _) =>
        {
            var cluster = ClusterStore.Find(c, tx, request.ClusterId);
            if (cluster is null || cluster.TenantId != request.TenantId)
            {
                throw new ClusterNotFound(request.ClusterId, request.TenantId);
            }
            if (request.ClusterToken is not null && !context.Tokens.Matches(request.ClusterToken, cluster.TokenHash))
            {
                throw new InvalidInput($"the given cluster token is not cluster {request.ClusterId}'s current token");
            }
            if (NodeStore.NameExists(c, tx, cluster.ClusterId, name))
            {
                throw new NameTaken($"cluster {cluster.ClusterId} already has a node named '{name}'");
            }
            var network = OverlayNetwork.Parse(cluster.OverlayCidr);
            var address = network.AllocateNodeAddress(NodeStore.OverlayIps(c, tx, cluster.ClusterId).Concat(NodeStore.RetiredIps(c, tx, cluster.ClusterId, now)));
            var row = new NodeRow(Guid.NewGuid(), cluster.ClusterId, cluster.TenantId, name, context.Tokens.Hash(token), request.IsAdmin, mtu, address,
                groups, [], [], false, null, null, false, now);
            NodeStore.Insert(c, tx, row);
            return row;
        });
        return new NodeCreated(created.NodeId, token, request.ClusterToken, created.TenantId, created.ClusterId, created.OverlayIp, created.IsAdmin, created.CreatedAt);
    }

    public NodeListResponse Page(Guid clusterId, int? page, int? pageSize)
    {
        var size = pageSize ?? DefaultPageSize;
        var number = page ?? 1;
        if (size is < 1 or > MaxPageSize)
        {
            throw new InvalidInput($"page_size {size} is out of range: use 1–{MaxPageSize}");
        }
        if (number < 1)
        {
            throw new InvalidInput($"page {number} is out of range: pages start at 1");
        }
        return context.Database.Read(c => new NodeListResponse(
            NodeStore.Page(c, clusterId, number, size).Select(ToSummary).ToList(), number, size, NodeStore.Count(c, clusterId)));
    }

    public List<NodeListItem> List(Guid tenantId, Guid clusterId) => context.Database.Read(c =>
    {
        var cluster = ClusterStore.Find(c, null, clusterId);
        if (cluster is null || cluster.TenantId != tenantId)
        {
            throw new ClusterNotFound(clusterId, tenantId);
        }
        return NodeStore.All(c, null, clusterId)
            .Select(n => new NodeListItem(n.NodeId, n.Name, n.IsAdmin, n.OverlayIp, n.Mtu, n.IsLighthouse, n.IsRelay, n.ApprovedRoutes, n.CreatedAt))
            .ToList();
    });

    public NodeSummary SetMtu(Guid clusterId, Guid nodeId, int mtu)
    {
        var valid = Validation.Mtu(mtu);
        return Change(clusterId, nodeId, (c, tx) => NodeStore.SetMtu(c, tx, clusterId, nodeId, valid));
    }

    /// <summary>Issues a new node token; the old one stops working with this commit.</summary>
    public NodeTokenResponse RotateToken(Guid clusterId, Guid nodeId)
    {
        var token = TokenService.Generate();
        context.Database.Write((c, tx) =>
        {
            RequireNode(c, tx, clusterId, nodeId);
            NodeStore.SetTokenHash(c, tx, clusterId, nodeId, context.Tokens.Hash(token));
            return true;
        });
        return new NodeTokenResponse(nodeId, token);
    }

    /// <summary>Deletes the node; its address is held back from IPAM while a certificate for it could still be valid.</summary>
    public void Delete(Guid clusterId, Guid nodeId)
    {
        var now = context.Now();
        context.ChangeConfig(clusterId, (c, tx, _) =>
        {
            var node = RequireNode(c, tx, clusterId, nodeId);
            if (PkiStore.NodeCertificate(c, tx, clusterId, nodeId) is { } certificate)
            {
                // Other nodes' next bundles carry this fingerprint in pki.blocklist, so the deleted node is refused at once.
                PkiStore.Revoke(c, tx, clusterId, certificate.Fingerprint, nodeId, now, certificate.NotAfter);
            }
            NodeStore.Delete(c, tx, clusterId, nodeId);
            NodeStore.Retire(c, tx, clusterId, node.OverlayIp, nodeId, now, now + RetiredAddressHold);
            return true;
        });
    }

    public NodeSummary SetLighthouse(Guid clusterId, Guid nodeId, LighthouseRequest request)
    {
        string? publicIp = null;
        int? port = null;
        if (request.IsLighthouse)
        {
            publicIp = Validation.PublicIp(request.PublicIp);
            port = Validation.Port(request.LighthousePort, "lighthouse_port");
        }
        return Change(clusterId, nodeId, (c, tx) => NodeStore.SetLighthouse(c, tx, clusterId, nodeId, request.IsLighthouse, publicIp, port));
    }

    public NodeSummary SetRelay(Guid clusterId, Guid nodeId, bool isRelay) =>
        Change(clusterId, nodeId, (c, tx) => NodeStore.SetRelay(c, tx, clusterId, nodeId, isRelay));

    /// <summary>
    /// Replaces what the node advertises. Approval follows <see cref="RouteApproval.AfterAdvertising"/>; the version moves
    /// (and the node's certificate is re-signed) only when the approved set changed, since pending routes reach no config.
    /// </summary>
    public NodeRoutes SetRoutes(Guid clusterId, Guid nodeId, IReadOnlyList<string>? routes)
    {
        var advertised = Validation.Routes(routes);
        return context.ChangeConfigWhen(clusterId, (c, tx) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            var node = RequireNode(c, tx, clusterId, nodeId);
            Validation.RoutesOutsideOverlay(advertised, cluster.OverlayCidr);
            var approved = RouteApproval.AfterAdvertising(node.Routes, node.ApprovedRoutes, advertised, cluster.RouteAutoApprove ?? []);
            return StoreRoutes(c, tx, node, advertised, approved);
        }).Result;
    }

    /// <summary>An admin approves routes the node advertises; the version moves when that changes what configs contain.</summary>
    public NodeRoutes ApproveRoutes(Guid clusterId, Guid nodeId, IReadOnlyList<string>? routes)
    {
        return context.ChangeConfigWhen(clusterId, (c, tx) =>
        {
            // The node first: an unknown node is 404 whatever the body says.
            var node = RequireNode(c, tx, clusterId, nodeId);
            return StoreRoutes(c, tx, node, node.Routes, RouteApproval.Approve(node.Routes, node.ApprovedRoutes, Validation.RouteSelection(routes)));
        }).Result;
    }

    /// <summary>An admin withdraws approval; the routes stay advertised, pending.</summary>
    public NodeRoutes RejectRoutes(Guid clusterId, Guid nodeId, IReadOnlyList<string>? routes)
    {
        return context.ChangeConfigWhen(clusterId, (c, tx) =>
        {
            // The node first: an unknown node is 404 whatever the body says.
            var node = RequireNode(c, tx, clusterId, nodeId);
            return StoreRoutes(c, tx, node, node.Routes, RouteApproval.Reject(node.Routes, node.ApprovedRoutes, Validation.RouteSelection(routes)));
        }).Result;
    }

    public NodeRoutes Routes(Guid clusterId, Guid nodeId) => context.Database.Read(c =>
        ToRoutes(NodeStore.Find(c, null, clusterId, nodeId) ?? throw new NodeNotFound(nodeId)));

    /// <summary>Every node of the cluster that advertises routes.</summary>
    public AllRoutesResponse AllRoutes(Guid clusterId) => context.Database.Read(c =>
    {
        _ = ClusterStore.Find(c, null, clusterId) ?? throw new ClusterNotFound(clusterId);
        return new AllRoutesResponse(RoutedNodes(NodeStore.All(c, null, clusterId)));
    });

    public static NodeRoutes ToRoutes(NodeRow n) =>
        new(n.NodeId, n.Name, n.ApprovedRoutes, n.Routes, n.ApprovedRoutes, RouteApproval.Pending(n.Routes, n.ApprovedRoutes));

    /// <summary>Writes a node's advertised and approved routes; when the approved set changed, re-signs its certificate (whose subnets list them).</summary>
    internal (NodeRoutes Result, bool ConfigChanged) StoreRoutes(SqliteConnection c, SqliteTransaction tx, NodeRow node, IReadOnlyList<string> advertised, IReadOnlyList<string> approved)
    {
        var approvalChanged = !approved.SequenceEqual(node.ApprovedRoutes, StringComparer.Ordinal);
        NodeStore.SetRoutes(c, tx, node.ClusterId, node.NodeId, advertised, approved);
        if (approvalChanged)
        {
            new PkiService(context).ResignIfEnrolled(c, tx, node.ClusterId, node.NodeId);
        }
        return (ToRoutes(node with { Routes = advertised, ApprovedRoutes = approved }), approvalChanged);
    }

    private static List<NodeRoutes> RoutedNodes(IEnumerable<NodeRow> nodes) => nodes.Where(n => n.Routes.Count > 0).Select(ToRoutes).ToList();

    public TopologyResponse Topology(Guid clusterId) => context.Database.Read(c =>
    {
        var cluster = ClusterStore.Find(c, null, clusterId) ?? throw new ClusterNotFound(clusterId);
        var nodes = NodeStore.All(c, null, clusterId);
        return new TopologyResponse(
            nodes.Where(n => n.IsLighthouse).Select(n => new TopologyNode(n.NodeId, n.Name, n.OverlayIp, n.PublicIp, n.LighthousePort)).ToList(),
            nodes.Where(n => n.IsRelay).Select(n => new TopologyNode(n.NodeId, n.Name, n.OverlayIp, n.PublicIp, null)).ToList(),
            new ControlPlaneLighthouse(cluster.ProvideLighthouse, cluster.LighthousePort),
            RoutedNodes(nodes));
    });

    public static NodeSummary ToSummary(NodeRow n) =>
        new(n.NodeId, n.Name, n.IsAdmin, n.OverlayIp, n.Mtu, n.IsLighthouse, n.PublicIp, n.LighthousePort, n.IsRelay, n.ApprovedRoutes, n.Groups, n.CreatedAt);

    /// <summary>Applies one config-affecting change to an existing node and bumps the version, atomically.</summary>
    private NodeSummary Change(Guid clusterId, Guid nodeId, Action<SqliteConnection, SqliteTransaction> change)
    {
        return context.ChangeConfig(clusterId, (c, tx, _) =>
        {
            RequireNode(c, tx, clusterId, nodeId);
            change(c, tx);
            return ToSummary(NodeStore.Find(c, tx, clusterId, nodeId)!);
        }).Result;
    }

    private static NodeRow RequireNode(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId) =>
        NodeStore.Find(c, tx, clusterId, nodeId) ?? throw new NodeNotFound(nodeId);
}
