using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Tests.Infrastructure;

/// <summary>What a node presents: the five auth headers.</summary>
public sealed record Credentials(Guid TenantId, Guid ClusterId, Guid NodeId, string NodeToken, string ClusterToken)
{
    public void Apply(HttpRequestMessage request)
    {
        request.Headers.Add(NebulaHeaders.TenantId, TenantId.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, ClusterId.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, NodeId.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, NodeToken);
        request.Headers.Add(NebulaHeaders.ClusterToken, ClusterToken);
    }

    public Credentials WithNode(Guid nodeId, string nodeToken) => this with { NodeId = nodeId, NodeToken = nodeToken };
}
