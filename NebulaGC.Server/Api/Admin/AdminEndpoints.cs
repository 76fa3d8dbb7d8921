using Microsoft.AspNetCore.Connections.Features;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Admin;

/// <summary>
/// Super-admin operations for the CLI while the server runs. Reachable only through the admin Unix socket (mode 0600):
/// the socket is the trust boundary, so these requests carry no token. Over TCP they do not exist (404).
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Set on every connection accepted on the admin socket listener, and on no other.</summary>
    public const string AdminSocketTag = "nebulagc.admin-socket";

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").AddEndpointFilter<LocalSocketOnlyFilter>().ExcludeFromDescription();

        group.MapGet("/status", (StatusService status) => TypedResults.Ok(status.Status()));
        group.MapGet("/ha", (HaCoordinator ha) => TypedResults.Ok(ha.Status()));
        group.MapPost("/promote", (HaCoordinator ha) => TypedResults.Ok(ha.Promote()));
        group.MapPost("/demote", (HaCoordinator ha) => TypedResults.Ok(ha.Demote()));
        group.MapPost("/ha/write-check", (HaCoordinator ha) => TypedResults.Ok(ha.WriteCheck())).WritesState();
        group.MapGet("/replicas", (ReplicaService replicas) => TypedResults.Ok(replicas.List()));
        group.MapPost("/replicas/remove", (RemoveReplicaRequest request, ReplicaService replicas) =>
        {
            replicas.Remove(request.InstanceId);
            return TypedResults.NoContent();
        }).WritesState();

        group.MapPost("/tenants", (CreateTenantRequest request, TenantService tenants) => TypedResults.Ok(tenants.Create(request.Name))).WritesState();
        group.MapGet("/tenants", (TenantService tenants) => TypedResults.Ok(tenants.List()));

        group.MapPost("/clusters", (CreateClusterRequest request, ClusterService clusters) => TypedResults.Ok(clusters.Create(request))).WritesState();
        group.MapGet("/clusters", (Guid tenant_id, ClusterService clusters) => TypedResults.Ok(clusters.List(tenant_id)));
        group.MapPost("/clusters/firewall", (SetFirewallRequest request, ClusterService clusters) =>
            TypedResults.Ok(clusters.SetFirewall(request.ClusterId, request.Inbound))).WritesState();
        group.MapPost("/clusters/route-policy", (SetRoutePolicyRequest request, ClusterService clusters) =>
            TypedResults.Ok(clusters.SetRoutePolicy(request.ClusterId, request.AutoApprove))).WritesState();
        group.MapPost("/clusters/rotate-ca", (RotateCaRequest request, PkiService pki) =>
            TypedResults.Ok(pki.RotateCa(request.ClusterId, request.OverlapSeconds is { } s ? TimeSpan.FromSeconds(s) : null))).WritesState();

        group.MapPost("/nodes", (AdminCreateNodeRequest request, NodeService nodes) => TypedResults.Ok(nodes.Create(request))).WritesState();
        group.MapGet("/nodes", (Guid tenant_id, Guid cluster_id, NodeService nodes) => TypedResults.Ok(nodes.List(tenant_id, cluster_id)));

        group.MapGet("/routes", (Guid cluster_id, NodeService nodes) => TypedResults.Ok(nodes.AllRoutes(cluster_id)));
        group.MapPost("/routes/approve", (AdminRoutesRequest request, NodeService nodes) =>
            TypedResults.Ok(nodes.ApproveRoutes(request.ClusterId, request.NodeId, request.Routes))).WritesState();
        group.MapPost("/routes/reject", (AdminRoutesRequest request, NodeService nodes) =>
            TypedResults.Ok(nodes.RejectRoutes(request.ClusterId, request.NodeId, request.Routes))).WritesState();

        return group;
    }

    /// <summary>Admits only connections accepted on the Unix socket; refuses writes on a replica.</summary>
    private sealed class LocalSocketOnlyFilter(RoleState role) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
        {
            var http = invocation.HttpContext;
            if (!IsUnixSocket(http))
            {
                throw new UnknownEndpoint("not found");
            }
            if (http.GetEndpoint()?.Metadata.GetMetadata<WritesStateAttribute>() is not null && !role.IsMaster)
            {
                throw new ReplicaReadOnly();
            }
            return next(invocation);
        }

        private static bool IsUnixSocket(HttpContext http) =>
            http.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(AdminSocketTag) == true;
    }
}
