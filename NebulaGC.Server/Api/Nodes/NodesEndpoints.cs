using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Nodes;

/// <summary>Admin-node management of the caller's own cluster.</summary>
public static class NodesEndpoints
{
    public static RouteGroupBuilder MapNodesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAuthenticatedGroup("/v1", "Nodes").AdminOnly();

        group.MapPost("/tenants/{tenantId:guid}/clusters/{clusterId:guid}/nodes",
                (Guid tenantId, Guid clusterId, CreateNodeRequest request, HttpContext http, NodeService nodes) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    if (tenantId != caller.TenantId || clusterId != caller.ClusterId)
                    {
                        throw new ClusterScopeMismatch("the tenant and cluster in the path must be the ones in the X-Nebula-Tenant-ID and X-Nebula-Cluster-ID headers");
                    }
                    var created = nodes.Create(new AdminCreateNodeRequest(tenantId, clusterId, request.Name, request.IsAdmin, request.Mtu, request.Groups, caller.PresentedClusterToken));
                    return TypedResults.Created($"/v1/nodes/{created.NodeId}",
                        new CreateNodeResponse(created.NodeId, created.NodeToken, caller.PresentedClusterToken, created.OverlayIp, created.CreatedAt));
                })
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status409Conflict)
            .WithSummary("Create a node; its token (and the cluster token) are shown only in this response.");

        group.MapGet("/nodes", (int? page, int? page_size, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.Page(NodeAuthenticationFilter.Caller(http).ClusterId, page, page_size)))
            .ProducesError(StatusCodes.Status400BadRequest)
            .WithSummary("List the cluster's nodes, 50 per page by default (at most 500). Never returns tokens.");

        group.MapPatch("/nodes/{nodeId:guid}/mtu", (Guid nodeId, UpdateMtuRequest request, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.SetMtu(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId, request.Mtu)))
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Set a node's tunnel MTU (1280–9000).");

        group.MapPost("/nodes/{nodeId:guid}/token", (Guid nodeId, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.RotateToken(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId)))
            .WritesState()
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Rotate a node's token; the old token stops working at once.");

        group.MapDelete("/nodes/{nodeId:guid}", (Guid nodeId, HttpContext http, NodeService nodes) =>
                {
                    nodes.Delete(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId);
                    return TypedResults.NoContent();
                })
            .WritesState()
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Delete a node: its credentials stop working and its address is held back from reuse.");

        group.MapPost("/nodes/{nodeId:guid}/lighthouse", (Guid nodeId, LighthouseRequest request, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.SetLighthouse(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId, request)))
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Make a node a lighthouse (public_ip required) or stop it being one.");

        group.MapPost("/nodes/{nodeId:guid}/relay", (Guid nodeId, RelayRequest request, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.SetRelay(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId, request.IsRelay)))
            .WritesState()
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Make a node a relay or stop it being one.");

        return group;
    }
}
