namespace NebulaGC.Client.Contracts;

/// <summary>The error codes of the REST API (SPEC §3), each with one HTTP status.</summary>
public static class ErrorCodes
{
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string BadRequest = "BAD_REQUEST";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";
    public const string ReplicaReadOnly = "REPLICA_READ_ONLY";
    public const string InternalError = "INTERNAL_ERROR";
}

/// <summary>Header names of the REST API.</summary>
public static class NebulaHeaders
{
    public const string TenantId = "X-Nebula-Tenant-ID";
    public const string ClusterId = "X-Nebula-Cluster-ID";
    public const string NodeId = "X-Nebula-Node-ID";
    public const string NodeToken = "X-Nebula-Node-Token";
    public const string ClusterToken = "X-Nebula-Cluster-Token";
    public const string ConfigVersion = "X-Nebula-Config-Version";
    public const string ConfigSha256 = "X-Nebula-Config-SHA256";
    public const string MasterUrl = "X-Nebula-Master-URL";
    public const string RequestId = "X-Request-ID";
}
