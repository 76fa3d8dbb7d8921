using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Auth;

/// <summary>Endpoint metadata: only admin nodes may call it.</summary>
public sealed class AdminOnlyAttribute : Attribute;

/// <summary>Endpoint metadata: it changes state, so a replica answers 503 before anything else.</summary>
public sealed class WritesStateAttribute : Attribute;

/// <summary>Endpoint metadata: the caller presents the five <c>X-Nebula-*</c> credential headers (its API-document security requirement).</summary>
public sealed class NodeCredentialsAttribute : Attribute;

/// <summary>Endpoint metadata: the caller is a control-plane instance signing its body with the heartbeat HMAC headers.</summary>
public sealed class HeartbeatSignatureAttribute : Attribute;

/// <summary>
/// Authenticates every cluster-scoped call. The client always sees the same generic 401; the log gets the exact reason
/// with the source IP, path and token fingerprints (never a token).
/// </summary>
public sealed class NodeAuthenticationFilter(
    NodeAuthenticator authenticator,
    FailedAuthGuard failedAuth,
    RateLimits limits,
    RoleState role,
    ServerMetrics metrics,
    ILogger<NodeAuthenticationFilter> logger) : IEndpointFilter
{
    // Not async: a parked long-poll then holds no state machine of this filter, and failures throw to the caller as before.
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<WritesStateAttribute>() is not null && !role.IsMaster)
        {
            throw new ReplicaReadOnly();
        }
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var headers = http.Request.Headers;
        var presented = new PresentedCredentials(
            headers[NebulaHeaders.TenantId], headers[NebulaHeaders.ClusterId], headers[NebulaHeaders.NodeId],
            headers[NebulaHeaders.NodeToken], headers[NebulaHeaders.ClusterToken]);
        var claimedNode = ClaimedId(presented.NodeId);
        var claimedCluster = ClaimedId(presented.ClusterId);
        if (failedAuth.RetryAfter(ip, claimedNode, claimedCluster) is { } wait)
        {
            metrics.RateLimited.WithLabels("failed_auth").Inc();
            // One message whichever limit applies: the answer must not tell which ids are under attack.
            throw new RateLimited("too many failed authentication attempts", wait);
        }
        var result = authenticator.Authenticate(presented);
        if (result.Node is not { } node)
        {
            failedAuth.RecordFailure(ip, claimedNode, claimedCluster);
            metrics.AuthFailures.WithLabels(result.FailureReason!).Inc();
            logger.LogWarning(
                "Authentication failed: {Reason}; ip={RemoteIp} path={Path} tenant={TenantId} cluster={ClusterId} node={NodeId} node_token_fp={NodeTokenFingerprint} cluster_token_fp={ClusterTokenFingerprint}",
                result.FailureReason, ip, http.Request.Path.Value, Printable(presented.TenantId), Printable(presented.ClusterId), Printable(presented.NodeId),
                TokenService.Fingerprint(presented.NodeToken), TokenService.Fingerprint(presented.ClusterToken));
            throw new AuthenticationFailed();
        }
        failedAuth.RecordSuccess(ip, node.NodeId);
        if (endpoint?.Metadata.GetMetadata<AdminOnlyAttribute>() is not null && !node.IsAdmin)
        {
            throw new AdminNodeRequired();
        }
        if (limits.PerNode.TryAcquire(node.NodeId) is { } nodeWait)
        {
            metrics.RateLimited.WithLabels("node").Inc();
            throw new RateLimited($"node request limit of {limits.PerNode.Permits} per minute exceeded", nodeWait);
        }
        // A request feature rather than an Items entry: no dictionary per request.
        http.Features.Set(node);
        return next(invocation);
    }

    /// <summary>The authenticated caller of the current request (set by this filter).</summary>
    public static AuthenticatedNode Caller(HttpContext http) =>
        http.Features.Get<AuthenticatedNode>() ?? throw new InvalidOperationException("endpoint is missing the node authentication filter");

    private static Guid? ClaimedId(string? header) => Guid.TryParse(header, out var id) ? id : null;

    /// <summary>Ids are logged only when they parse as ids, so a header cannot smuggle a token or control characters into the log.</summary>
    private static string Printable(string? id) => Guid.TryParse(id, out var g) ? g.ToString() : string.IsNullOrEmpty(id) ? "none" : "malformed";
}

/// <summary>The request limits of SPEC §3 (configurable, <see cref="RateLimitOptions"/>), shared by the filter and the upload endpoint.</summary>
public sealed class RateLimits(RateLimitOptions options, TimeProvider time)
{
    public KeyedRateLimiter PerNode { get; } = new(options.NodeRequestsPerMinute, TimeSpan.FromMinutes(1), time);

    public KeyedRateLimiter UploadsPerCluster { get; } = new(options.UploadsPerClusterPerMinute, TimeSpan.FromMinutes(1), time);
}
