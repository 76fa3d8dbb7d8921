using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Data;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

/// <summary>The five auth headers exactly as presented.</summary>
public sealed record PresentedCredentials(string? TenantId, string? ClusterId, string? NodeId, string? NodeToken, string? ClusterToken);

/// <summary>A caller whose node token and cluster token both checked out.</summary>
public sealed record AuthenticatedNode(Guid TenantId, Guid ClusterId, Guid NodeId, string NodeName, bool IsAdmin, string PresentedClusterToken);

/// <summary>The outcome of one authentication: the node, or the precise reason it failed (for the log only).</summary>
public sealed record AuthenticationResult(AuthenticatedNode? Node, string? FailureReason)
{
    public static AuthenticationResult Fail(string reason) => new(null, reason);
}

/// <summary>
/// Checks a request's credentials against the read model (memory; SQLite only on a miss). Knows nothing of HTTP.
/// Every attempt with well-formed ids costs the same: both tokens are hashed and compared in constant time even when the
/// cluster or node does not exist or an earlier check already failed, so the time taken says nothing about which part
/// was wrong.
/// </summary>
public sealed class NodeAuthenticator(ReadModel model, TokenService tokens, TimeProvider time)
{
    /// <summary>Compared against when there is no stored hash, so a missing row costs what a wrong token does.</summary>
    private static readonly byte[] NoHash = new byte[32];

    public AuthenticationResult Authenticate(PresentedCredentials presented)
    {
        if (Missing(presented) is { } header)
        {
            return AuthenticationResult.Fail($"missing header {header}");
        }
        if (!Guid.TryParse(presented.TenantId, out var tenantId))
        {
            return AuthenticationResult.Fail($"malformed {NebulaHeaders.TenantId}");
        }
        if (!Guid.TryParse(presented.ClusterId, out var clusterId))
        {
            return AuthenticationResult.Fail($"malformed {NebulaHeaders.ClusterId}");
        }
        if (!Guid.TryParse(presented.NodeId, out var nodeId))
        {
            return AuthenticationResult.Fail($"malformed {NebulaHeaders.NodeId}");
        }
        var cluster = model.Cluster(clusterId);
        var node = cluster is null ? null : model.Node(clusterId, nodeId);
        // Both comparisons always run; the reasons below are for the log only (the client sees one generic 401).
        bool clusterTokenMatches = ClusterTokenMatches(cluster, presented.ClusterToken!);
        bool nodeTokenMatches = tokens.Matches(presented.NodeToken, node?.TokenHash ?? NoHash);
        if (cluster is null)
        {
            return AuthenticationResult.Fail("unknown cluster");
        }
        if (cluster.TenantId != tenantId)
        {
            return AuthenticationResult.Fail("cluster does not belong to the tenant");
        }
        if (!clusterTokenMatches)
        {
            return AuthenticationResult.Fail("cluster token mismatch");
        }
        if (node is null)
        {
            return AuthenticationResult.Fail("unknown node in cluster");
        }
        if (!nodeTokenMatches)
        {
            return AuthenticationResult.Fail("node token mismatch");
        }
        return new AuthenticationResult(new AuthenticatedNode(tenantId, clusterId, nodeId, node.Name, node.IsAdmin, presented.ClusterToken!), null);
    }

    private bool ClusterTokenMatches(ClusterRow? cluster, string presented)
    {
        // Current and previous token are both compared, whatever the first result: a rotation's grace period must not show.
        bool current = tokens.Matches(presented, cluster?.TokenHash ?? NoHash);
        bool previous = tokens.Matches(presented, cluster?.PreviousTokenHash ?? NoHash);
        // During a rotation's grace period the previous token still opens the door.
        bool previousValid = cluster?.PreviousTokenExpiresAt is { } until && time.GetUtcNow() < until && cluster.PreviousTokenHash is not null;
        return current || (previous && previousValid);
    }

    private static string? Missing(PresentedCredentials p) =>
        string.IsNullOrEmpty(p.TenantId) ? NebulaHeaders.TenantId
        : string.IsNullOrEmpty(p.ClusterId) ? NebulaHeaders.ClusterId
        : string.IsNullOrEmpty(p.NodeId) ? NebulaHeaders.NodeId
        : string.IsNullOrEmpty(p.NodeToken) ? NebulaHeaders.NodeToken
        : string.IsNullOrEmpty(p.ClusterToken) ? NebulaHeaders.ClusterToken
        : null;
}
