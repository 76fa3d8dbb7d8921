using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Routes;

/// <summary>Routes a node advertises into the overlay (Nebula unsafe_routes on the other nodes).</summary>
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
            .WithSummary("Replace the calling node's advertised routes (IPv4 CIDRs); an empty list clears them.");

        group.MapGet("/routes", (HttpContext http, NodeService nodes) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    return TypedResults.Ok(nodes.Routes(caller.ClusterId, caller.NodeId));
                })
            .WithSummary("The calling node's advertised routes.");

        group.MapGet("/routes/all", (HttpContext http, NodeService nodes) => TypedResults.Ok(nodes.AllRoutes(NodeAuthenticationFilter.Caller(http).ClusterId)))
            .WithSummary("Every node's advertised routes in the cluster.");

        return group;
    }
}
