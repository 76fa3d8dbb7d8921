using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Topology;

public static class TopologyEndpoints
{
    public static RouteGroupBuilder MapTopologyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAuthenticatedGroup("/v1", "Topology");
        group.MapGet("/topology", (HttpContext http, NodeService nodes) => TypedResults.Ok(nodes.Topology(NodeAuthenticationFilter.Caller(http).ClusterId)))
            .WithSummary("The cluster's lighthouses, relays and control-plane lighthouse setting.");
        return group;
    }
}
