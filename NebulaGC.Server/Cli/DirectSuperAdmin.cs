using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Data;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Cli;

/// <summary>Super-admin operations on the database file itself, for when no server is running.</summary>
public sealed class DirectSuperAdmin(string dbPath, Func<HmacSecret> secret) : ISuperAdmin
{
    private readonly Lazy<ServiceContext> _context = new(() =>
    {
        var database = new Database(dbPath, readOnly: false);
        RequireMigrated(database);
        return ServiceContext.Create(database, secret(), TimeProvider.System, new ConfigVersionFeed());
    });

    public TenantInfo CreateTenant(string name) => new TenantService(_context.Value).Create(name);

    public List<TenantInfo> ListTenants() => new TenantService(_context.Value).List();

    public ClusterCreated CreateCluster(CreateClusterRequest request) => new ClusterService(_context.Value).Create(request);

    public List<ClusterInfo> ListClusters(Guid tenantId) => new ClusterService(_context.Value).List(tenantId);

    public CaRotated RotateCa(RotateCaRequest request) =>
        new PkiService(_context.Value).RotateCa(request.ClusterId, request.OverlapSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

    public ClusterFirewall SetFirewall(SetFirewallRequest request) => new ClusterService(_context.Value).SetFirewall(request.ClusterId, request.Inbound);

    public ClusterRoutePolicy SetRoutePolicy(SetRoutePolicyRequest request) => new ClusterService(_context.Value).SetRoutePolicy(request.ClusterId, request.AutoApprove);

    public AllRoutesResponse ListRoutes(Guid clusterId) => new NodeService(_context.Value).AllRoutes(clusterId);

    public NodeRoutes ApproveRoutes(AdminRoutesRequest request) => new NodeService(_context.Value).ApproveRoutes(request.ClusterId, request.NodeId, request.Routes);

    public NodeRoutes RejectRoutes(AdminRoutesRequest request) => new NodeService(_context.Value).RejectRoutes(request.ClusterId, request.NodeId, request.Routes);

    public NodeCreated CreateNode(AdminCreateNodeRequest request) => new NodeService(_context.Value).Create(request);

    public List<NodeListItem> ListNodes(Guid tenantId, Guid clusterId) => new NodeService(_context.Value).List(tenantId, clusterId);

    public HaStatus Promote() => throw NeedsServer("promote");

    public HaStatus Demote() => throw NeedsServer("demote");

    public ReplicasResponse ListReplicas() => new ReplicaService(_context.Value).List();

    public void RemoveReplica(string instanceId) => new ReplicaService(_context.Value).Remove(instanceId);

    private static CliError NeedsServer(string operation) =>
        new($"{operation} changes a running server's role: no nebulagc-server answers on the admin socket (set --admin-socket or NEBULAGC_ADMIN_SOCKET)");

    /// <summary>The status of a database no server has open: role "offline", the last recorded master and epoch.</summary>
    public ServerStatus Status()
    {
        if (!File.Exists(dbPath))
        {
            throw new CliError($"database '{dbPath}' does not exist; create it with: nebulagc-server migrate --db {dbPath}");
        }
        var database = new Database(dbPath, readOnly: true);
        return StatusService.Offline(database, InstanceIdentity.Resolve(CliOptions.Env("NEBULAGC_INSTANCE_ID"), CliOptions.Env("NEBULAGC_LISTEN_ADDR") ?? ServerOptions.DefaultListen));
    }

    private static void RequireMigrated(Database database)
    {
        if (!File.Exists(database.Path))
        {
            throw new CliError($"database '{database.Path}' does not exist; create it with: nebulagc-server migrate --db {database.Path}");
        }
        var version = database.Read(Migrator.CurrentVersion);
        if (version != Migrator.LatestVersion)
        {
            throw new CliError($"database '{database.Path}' is at schema version {version}, this build needs {Migrator.LatestVersion}; run: nebulagc-server migrate --db {database.Path}");
        }
    }
}
