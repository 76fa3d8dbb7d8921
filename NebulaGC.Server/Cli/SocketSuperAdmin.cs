using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Cli;

/// <summary>Super-admin operations through a running server's admin Unix socket.</summary>
public sealed class SocketSuperAdmin : ISuperAdmin, IDisposable
{
    private readonly HttpClient _http;

    public SocketSuperAdmin(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://nebulagc-admin"), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    public TenantInfo CreateTenant(string name) => Post("/admin/tenants", new CreateTenantRequest(name), Json.CreateTenantRequest, Json.TenantInfo);

    public List<TenantInfo> ListTenants() => Get("/admin/tenants", Json.ListTenantInfo);

    public ClusterCreated CreateCluster(CreateClusterRequest request) => Post("/admin/clusters", request, Json.CreateClusterRequest, Json.ClusterCreated);

    public List<ClusterInfo> ListClusters(Guid tenantId) => Get($"/admin/clusters?tenant_id={tenantId}", Json.ListClusterInfo);

    public CaRotated RotateCa(RotateCaRequest request) => Post("/admin/clusters/rotate-ca", request, Json.RotateCaRequest, Json.CaRotated);

    public ClusterFirewall SetFirewall(SetFirewallRequest request) => Post("/admin/clusters/firewall", request, Json.SetFirewallRequest, Json.ClusterFirewall);

    public ClusterRoutePolicy SetRoutePolicy(SetRoutePolicyRequest request) => Post("/admin/clusters/route-policy", request, Json.SetRoutePolicyRequest, Json.ClusterRoutePolicy);

    public AllRoutesResponse ListRoutes(Guid clusterId) => Get($"/admin/routes?cluster_id={clusterId}", Json.AllRoutesResponse);

    public NodeRoutes ApproveRoutes(AdminRoutesRequest request) => Post("/admin/routes/approve", request, Json.AdminRoutesRequest, Json.NodeRoutes);

    public NodeRoutes RejectRoutes(AdminRoutesRequest request) => Post("/admin/routes/reject", request, Json.AdminRoutesRequest, Json.NodeRoutes);

    public NodeCreated CreateNode(AdminCreateNodeRequest request) => Post("/admin/nodes", request, Json.AdminCreateNodeRequest, Json.NodeCreated);

    public List<NodeListItem> ListNodes(Guid tenantId, Guid clusterId) => Get($"/admin/nodes?tenant_id={tenantId}&cluster_id={clusterId}", Json.ListNodeListItem);

    public ServerStatus Status() => Get("/admin/status", Json.ServerStatus);

    public HaStatus Promote() => PostWithoutBody("/admin/promote", Json.HaStatus);

    public HaStatus Demote() => PostWithoutBody("/admin/demote", Json.HaStatus);

    public ReplicasResponse ListReplicas() => Get("/admin/replicas", Json.ReplicasResponse);

    public void RemoveReplica(string instanceId)
    {
        using var response = _http.PostAsJsonAsync("/admin/replicas/remove", new RemoveReplicaRequest(instanceId), Json.RemoveReplicaRequest).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            Read(response, Json.ErrorResponse);
        }
    }

    public void Dispose() => _http.Dispose();

    private TResponse Post<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType)
    {
        using var response = _http.PostAsJsonAsync(path, body, requestType).GetAwaiter().GetResult();
        return Read(response, responseType);
    }

    private TResponse PostWithoutBody<TResponse>(string path, JsonTypeInfo<TResponse> responseType)
    {
        using var response = _http.PostAsync(path, content: null).GetAwaiter().GetResult();
        return Read(response, responseType);
    }

    private TResponse Get<TResponse>(string path, JsonTypeInfo<TResponse> responseType)
    {
        using var response = _http.GetAsync(path).GetAwaiter().GetResult();
        return Read(response, responseType);
    }

    private static TResponse Read<TResponse>(HttpResponseMessage response, JsonTypeInfo<TResponse> type)
    {
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            ErrorResponse? error = null;
            try
            {
                error = JsonSerializer.Deserialize(body, Json.ErrorResponse);
            }
            catch (JsonException)
            {
            }
            throw new CliError(error?.Error ?? $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return JsonSerializer.Deserialize(body, type) ?? throw new CliError("the server sent an empty answer");
    }
}
