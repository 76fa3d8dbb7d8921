using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Http;

namespace NebulaGC.PowerShell.Routes;

/// <summary>What an admin decides about routes a node advertises.</summary>
public enum RouteDecision
{
    Approve,
    Reject,
}

/// <summary>
/// Route approval through the REST API as an admin node (<see cref="ControlPlaneClient"/>: writes find the master, reads
/// fail over), with the API's refusals turned into the module's error ids.
/// </summary>
public sealed class RouteService(ControlPlaneClient client)
{
    /// <summary>Every node of the cluster that advertises routes.</summary>
    public async Task<IReadOnlyList<NodeRoutes>> ListAsync(CancellationToken cancellation) =>
        await Call(async () => (await client.GetAllRoutesAsync(cancellation)).Nodes, null);

    public async Task<NodeRoutes> DecideAsync(RouteDecision decision, Guid nodeId, IReadOnlyList<string> routes, CancellationToken cancellation) =>
        await Call(() => decision == RouteDecision.Approve
            ? client.ApproveRoutesAsync(nodeId, routes, cancellation)
            : client.RejectRoutesAsync(nodeId, routes, cancellation), nodeId);

    private static async Task<T> Call<T>(Func<Task<T>> call, Guid? nodeId)
    {
        try
        {
            return await call();
        }
        catch (ControlPlaneApiException e)
        {
            var id = e.Status switch
            {
                HttpStatusCode.BadRequest => ErrorIds.RouteInvalid,
                HttpStatusCode.NotFound => ErrorIds.RouteNodeNotFound,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ErrorIds.RouteNotPermitted,
                _ => ErrorIds.ControlPlaneRequestFailed,
            };
            throw new NebulaGCException(id, $"the control plane refused: {e.Message}", nodeId, e);
        }
        catch (ControlPlaneUnavailableException e)
        {
            throw new NebulaGCException(ErrorIds.ControlPlaneUnavailable, e.Message, nodeId, e);
        }
    }
}
