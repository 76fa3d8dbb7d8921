using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Api.Auth;

/// <summary>For endpoints without node authentication: a replica answers writes with 503 and the master's URL.</summary>
public sealed class MasterOnlyFilter(RoleState role) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        role.IsMaster ? next(invocation) : throw new ReplicaReadOnly();
}
