using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Cli;

/// <summary>
/// The super-admin operations of the CLI. While a server runs they go through its admin socket (so a replica can refuse
/// them and the master's process does the write); otherwise straight to the database file.
/// </summary>
public interface ISuperAdmin
{
    TenantInfo CreateTenant(string name);

    List<TenantInfo> ListTenants();

    ClusterCreated CreateCluster(CreateClusterRequest request);

    List<ClusterInfo> ListClusters(Guid tenantId);

    CaRotated RotateCa(RotateCaRequest request);

    ClusterFirewall SetFirewall(SetFirewallRequest request);

    ClusterRoutePolicy SetRoutePolicy(SetRoutePolicyRequest request);

    AllRoutesResponse ListRoutes(Guid clusterId);

    NodeRoutes ApproveRoutes(AdminRoutesRequest request);

    NodeRoutes RejectRoutes(AdminRoutesRequest request);

    NodeCreated CreateNode(AdminCreateNodeRequest request);

    List<NodeListItem> ListNodes(Guid tenantId, Guid clusterId);

    ServerStatus Status();

    HaStatus Promote();

    HaStatus Demote();

    ReplicasResponse ListReplicas();

    void RemoveReplica(string instanceId);
}
