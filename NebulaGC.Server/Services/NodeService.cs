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
                groups, [], false, null, null, false, now);
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
            .Select(n => new NodeListItem(n.NodeId, n.Name, n.IsAdmin, n.OverlayIp, n.Mtu, n.IsLighthouse, n.IsRelay, n.Routes, n.CreatedAt))
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

    public NodeRoutes SetRoutes(Guid clusterId, Guid nodeId, IReadOnlyList<string>? routes)
    {
        var valid = Validation.Routes(routes);
        var node = Change(clusterId, nodeId, (c, tx) =>
        {
            NodeStore.SetRoutes(c, tx, clusterId, nodeId, valid);
            new PkiService(context).ResignIfEnrolled(c, tx, clusterId, nodeId);
        });
        return new NodeRoutes(node.NodeId, node.Name, node.Routes);
    }

    public NodeRoutes Routes(Guid clusterId, Guid nodeId) => context.Database.Read(c =>
    {
        var node = NodeStore.Find(c, null, clusterId, nodeId) ?? throw new NodeNotFound(nodeId);
        return new NodeRoutes(node.NodeId, node.Name, node.Routes);
    });

    public AllRoutesResponse AllRoutes(Guid clusterId) => context.Database.Read(c => new AllRoutesResponse(
        NodeStore.All(c, null, clusterId).Where(n => n.Routes.Count > 0).Select(n => new NodeRoutes(n.NodeId, n.Name, n.Routes)).ToList()));

    public TopologyResponse Topology(Guid clusterId) => context.Database.Read(c =>
    {
        var cluster = ClusterStore.Find(c, null, clusterId) ?? throw new ClusterNotFound(clusterId);
        var nodes = NodeStore.All(c, null, clusterId);
        return new TopologyResponse(
            nodes.Where(n => n.IsLighthouse).Select(n => new TopologyNode(n.NodeId, n.Name, n.OverlayIp, n.PublicIp, n.LighthousePort)).ToList(),
            nodes.Where(n => n.IsRelay).Select(n => new TopologyNode(n.NodeId, n.Name, n.OverlayIp, n.PublicIp, null)).ToList(),
            new ControlPlaneLighthouse(cluster.ProvideLighthouse, cluster.LighthousePort));
    });

    public static NodeSummary ToSummary(NodeRow n) =>
        new(n.NodeId, n.Name, n.IsAdmin, n.OverlayIp, n.Mtu, n.IsLighthouse, n.PublicIp, n.LighthousePort, n.IsRelay, n.Routes, n.Groups, n.CreatedAt);

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
