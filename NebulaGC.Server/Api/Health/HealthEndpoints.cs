using Microsoft.AspNetCore.Http.HttpResults;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Health;

/// <summary>Unauthenticated probes for load balancers, orchestrators and clients looking for the master.</summary>
public static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAnonymousGroup("/v1", "Health");

        group.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok")))
            .WithSummary("Liveness: the process answers. Touches no database.");

        group.MapGet("/readyz", Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> (StatusService status) =>
                status.ReadinessProblem() is { } problem
                    ? TypedResults.Json(new HealthResponse(problem), ContractsJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable)
                    : TypedResults.Ok(new HealthResponse("ok")))
            .WithSummary("Readiness: 200 when the database is open and migrated and the role is known, else 503.");

        group.MapGet("/check-master", (RoleState role) =>
            {
                var (isMaster, epoch) = role.Snapshot();
                return TypedResults.Ok(new CheckMasterResponse(isMaster, role.InstanceId, epoch));
            })
            .WithSummary("Whether this instance accepts writes. Touches no database; load balancers route writes with it.");

        group.MapGet("/replicas", (ReplicaService replicas) => TypedResults.Ok(replicas.List()))
            .WithSummary("Every control-plane instance this deployment knows of.");

        return group;
    }
}
