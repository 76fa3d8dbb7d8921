using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Cluster;

public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAuthenticatedGroup("/v1/cluster", "Cluster").AdminOnly();

        group.MapPost("/token", (RotateClusterTokenRequest? request, HttpContext http, ClusterService clusters) =>
                TypedResults.Ok(clusters.RotateToken(NodeAuthenticationFilter.Caller(http).ClusterId, request?.GraceSeconds)))
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .WithSummary("Rotate the cluster token; with grace_seconds the previous token keeps working that long.");

        return group;
    }
}
