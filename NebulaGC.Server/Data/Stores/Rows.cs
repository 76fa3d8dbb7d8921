namespace NebulaGC.Server.Data.Stores;

// Storage rows: what the tables hold. Wire shapes live in NebulaGC.Client.Contracts and are mapped by services.

public sealed record TenantRow(Guid TenantId, string Name, DateTimeOffset CreatedAt);

public sealed record ClusterRow(
    Guid ClusterId,
    Guid TenantId,
    string Name,
    Domain.PkiMode PkiMode,
    string OverlayCidr,
    long ConfigVersion,
    byte[] TokenHash,
    byte[]? PreviousTokenHash,
    DateTimeOffset? PreviousTokenExpiresAt,
    bool ProvideLighthouse,
    int LighthousePort,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string>? FirewallInbound = null,
    IReadOnlyList<string>? RouteAutoApprove = null);

/// <summary>
/// <c>Routes</c> are what the node advertises; <c>ApprovedRoutes</c>, always a subset of them, are the ones configs and
/// certificates carry. The rest are pending.
/// </summary>
public sealed record NodeRow(
    Guid NodeId,
    Guid ClusterId,
    Guid TenantId,
    string Name,
    byte[] TokenHash,
    bool IsAdmin,
    int Mtu,
    string OverlayIp,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Routes,
    IReadOnlyList<string> ApprovedRoutes,
    bool IsLighthouse,
    string? PublicIp,
    int? LighthousePort,
    bool IsRelay,
    DateTimeOffset CreatedAt);

public sealed record BundleRow(Guid ClusterId, long Version, byte[] Data, string Sha256, DateTimeOffset UploadedAt);

public sealed record ReplicaRow(string InstanceId, string? Address, string Role, DateTimeOffset LastSeenAt, int? LighthouseSlot = null);

public sealed record HaStateRow(long Epoch, string? MasterInstanceId, string? MasterUrl);
