namespace NebulaGC.Client.Contracts;

// Super-admin shapes: printed by `nebulagc-server --output json` and carried over the admin socket.
// Their JSON field names are part of the CLI contract (SPEC §5).

public sealed record CreateTenantRequest(string Name);

public sealed record TenantInfo(Guid TenantId, string Name, DateTimeOffset CreatedAt);

public sealed record CreateClusterRequest(
    Guid TenantId,
    string Name,
    string? OverlayCidr,
    string? Pki,
    bool ProvideLighthouse,
    int? LighthousePort);

public sealed record ClusterCreated(
    Guid ClusterId,
    Guid TenantId,
    string Name,
    string ClusterToken,
    string OverlayCidr,
    string PkiMode,
    long ConfigVersion,
    DateTimeOffset CreatedAt);

public sealed record ClusterInfo(
    Guid ClusterId,
    Guid TenantId,
    string Name,
    string OverlayCidr,
    string PkiMode,
    long ConfigVersion,
    int NodeCount,
    DateTimeOffset CreatedAt);

public sealed record AdminCreateNodeRequest(Guid TenantId, Guid ClusterId, string Name, bool IsAdmin, int? Mtu, IReadOnlyList<string>? Groups, string? ClusterToken);

/// <summary>
/// <c>ClusterToken</c> is only ever stored as a hash: it is echoed when the caller presented it (the REST API's
/// header, the CLI's <c>--cluster-token</c>) and null otherwise.
/// </summary>
public sealed record NodeCreated(
    Guid NodeId,
    string NodeToken,
    string? ClusterToken,
    Guid TenantId,
    Guid ClusterId,
    string OverlayIp,
    bool IsAdmin,
    DateTimeOffset CreatedAt);

public sealed record NodeListItem(
    Guid NodeId,
    string Name,
    bool IsAdmin,
    string OverlayIp,
    int Mtu,
    bool IsLighthouse,
    bool IsRelay,
    IReadOnlyList<string> Routes,
    DateTimeOffset CreatedAt);

public sealed record ServerStatus(
    string InstanceId,
    string Role,
    long Epoch,
    string Version,
    string DbPath,
    int SchemaVersion,
    string? PublicUrl);
