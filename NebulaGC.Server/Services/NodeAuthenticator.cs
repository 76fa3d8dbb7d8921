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
        // Both tokens are hashed exactly once on every path past the header checks, known ids or not: an unknown node or
        // cluster must cost the same HMAC work as a wrong token, or the answer time tells which ids exist. The reasons below
        // are for the log only (the client sees one generic 401).
        var clusterTokenMatches = ClusterTokenMatches(cluster, tokens.HashPresented(presented.ClusterToken));
        var nodeTokenMatches = TokenService.HashesEqual(tokens.HashPresented(presented.NodeToken), node?.TokenHash);
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

    private bool ClusterTokenMatches(ClusterRow? cluster, byte[] presentedHash)
    {
        var current = TokenService.HashesEqual(presentedHash, cluster?.TokenHash);
        // During a rotation's grace period the previous token still opens the door; both comparisons always run.
        var inGrace = cluster?.PreviousTokenExpiresAt is { } until && time.GetUtcNow() < until;
        var previous = TokenService.HashesEqual(presentedHash, inGrace ? cluster!.PreviousTokenHash : null);
        return current | previous;
    }

    private static string? Missing(PresentedCredentials p) =>
        string.IsNullOrEmpty(p.TenantId) ? NebulaHeaders.TenantId
        : string.IsNullOrEmpty(p.ClusterId) ? NebulaHeaders.ClusterId
        : string.IsNullOrEmpty(p.NodeId) ? NebulaHeaders.NodeId
        : string.IsNullOrEmpty(p.NodeToken) ? NebulaHeaders.NodeToken
        : string.IsNullOrEmpty(p.ClusterToken) ? NebulaHeaders.ClusterToken
        : null;
}
