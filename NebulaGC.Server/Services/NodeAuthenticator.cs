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

/// <summary>Checks a request's credentials against the stored token hashes. Knows nothing of HTTP.</summary>
public sealed class NodeAuthenticator(Database database, TokenService tokens, TimeProvider time)
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
        return database.Read(c =>
        {
            var cluster = ClusterStore.Find(c, null, clusterId);
            if (cluster is null)
            {
                return AuthenticationResult.Fail("unknown cluster");
            }
            if (cluster.TenantId != tenantId)
            {
                return AuthenticationResult.Fail("cluster does not belong to the tenant");
            }
            if (!ClusterTokenMatches(cluster, presented.ClusterToken!))
            {
                return AuthenticationResult.Fail("cluster token mismatch");
            }
            var node = NodeStore.Find(c, null, clusterId, nodeId);
            if (node is null)
            {
                return AuthenticationResult.Fail("unknown node in cluster");
            }
            if (!tokens.Matches(presented.NodeToken, node.TokenHash))
            {
                return AuthenticationResult.Fail("node token mismatch");
            }
            return new AuthenticationResult(new AuthenticatedNode(tenantId, clusterId, nodeId, node.Name, node.IsAdmin, presented.ClusterToken!), null);
        });
    }

    private bool ClusterTokenMatches(ClusterRow cluster, string presented)
    {
        if (tokens.Matches(presented, cluster.TokenHash))
        {
            return true;
        }
        // During a rotation's grace period the previous token still opens the door.
        return cluster.PreviousTokenExpiresAt is { } until && time.GetUtcNow() < until && tokens.Matches(presented, cluster.PreviousTokenHash);
    }

    private static string? Missing(PresentedCredentials p) =>
        string.IsNullOrEmpty(p.TenantId) ? NebulaHeaders.TenantId
        : string.IsNullOrEmpty(p.ClusterId) ? NebulaHeaders.ClusterId
        : string.IsNullOrEmpty(p.NodeId) ? NebulaHeaders.NodeId
        : string.IsNullOrEmpty(p.NodeToken) ? NebulaHeaders.NodeToken
        : string.IsNullOrEmpty(p.ClusterToken) ? NebulaHeaders.ClusterToken
        : null;
}
