using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Routes;

/// <summary>
/// Routes a node advertises into the overlay (Nebula unsafe_routes on the other nodes): pending until an admin node
/// approves them or the cluster's auto-approve prefixes cover them.
/// </summary>
public static class RoutesEndpoints
{
    public static RouteGroupBuilder MapRoutesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAuthenticatedGroup("/v1", "Routes");

        group.MapPost("/routes", (RoutesRequest request, HttpContext http, NodeService nodes) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    return TypedResults.Ok(nodes.SetRoutes(caller.ClusterId, caller.NodeId, request.Routes));
                })
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .WithSummary("Replace the calling node's advertised routes (IPv4 CIDRs); an empty list clears them. New routes are pending until approved, unless the cluster's auto-approve prefixes cover them.");

        group.MapGet("/routes", (HttpContext http, NodeService nodes) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    return TypedResults.Ok(nodes.Routes(caller.ClusterId, caller.NodeId));
                })
            .WithSummary("The calling node's advertised, approved and pending routes.");

        group.MapGet("/routes/all", (HttpContext http, NodeService nodes) => TypedResults.Ok(nodes.AllRoutes(NodeAuthenticationFilter.Caller(http).ClusterId)))
            .WithSummary("Every node in the cluster that advertises routes, with its approved and pending routes (only approved ones reach configs).");

        group.MapPost("/routes/{nodeId:guid}/approve", (Guid nodeId, RoutesRequest request, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.ApproveRoutes(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId, request.Routes)))
            .AdminOnly()
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Approve routes the node advertises (a default route only this way); they reach every other node's config and the node's certificate.");

        group.MapPost("/routes/{nodeId:guid}/reject", (Guid nodeId, RoutesRequest request, HttpContext http, NodeService nodes) =>
                TypedResults.Ok(nodes.RejectRoutes(NodeAuthenticationFilter.Caller(http).ClusterId, nodeId, request.Routes)))
            .AdminOnly()
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .WithSummary("Withdraw approval of routes the node advertises: they leave every config and stay pending.");

        return group;
    }
}
