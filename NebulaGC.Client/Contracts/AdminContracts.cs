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

/// <summary><c>OverlapSeconds</c>: how long the old CA stays trusted (default 30 days).</summary>
public sealed record RotateCaRequest(Guid ClusterId, long? OverlapSeconds);

public sealed record CaRotated(Guid ClusterId, string CaFingerprint, string PreviousCaFingerprint, DateTimeOffset PreviousTrustedUntil, int CertificatesResigned, long ConfigVersion);

public sealed record ClusterVersion(Guid ClusterId, long Version);

/// <summary>
/// What a failover tool needs from one instance: its role and epoch, and its data position (a counter every committed
/// write moves; a replica whose position equals the master's has caught up).
/// </summary>
public sealed record HaStatus(
    string InstanceId,
    string Role,
    bool Master,
    long Epoch,
    string? MasterInstanceId,
    string? MasterUrl,
    int SchemaVersion,
    long DataPosition,
    IReadOnlyList<ClusterVersion> ConfigVersions);

/// <summary>A replica's report to the master (POST /v1/internal/heartbeat), signed with a key derived from the HMAC secret.</summary>
public sealed record HeartbeatRequest(string InstanceId, string? Address, string Role, long Epoch, long DataPosition);

public sealed record RemoveReplicaRequest(string InstanceId);

/// <summary>Inbound rules <c>PROTO/PORT[@GROUP]</c> added to every node's firewall; empty restores the default.</summary>
public sealed record SetFirewallRequest(Guid ClusterId, IReadOnlyList<string> Inbound);

public sealed record ClusterFirewall(Guid ClusterId, IReadOnlyList<string> Inbound, long ConfigVersion);

/// <summary>
/// <c>AutoApprove</c>: prefixes inside which an advertised route is approved without review (never a default route);
/// empty turns auto-approval off.
/// </summary>
public sealed record SetRoutePolicyRequest(Guid ClusterId, IReadOnlyList<string> AutoApprove);

/// <summary><c>ApprovedNow</c>: the nodes whose pending routes the new policy approved when it was set.</summary>
public sealed record ClusterRoutePolicy(Guid ClusterId, IReadOnlyList<string> AutoApprove, IReadOnlyList<NodeRoutes> ApprovedNow, long ConfigVersion);

/// <summary>Approve or reject advertised routes of one node (the super-admin CLI's <c>route approve|reject</c>).</summary>
public sealed record AdminRoutesRequest(Guid ClusterId, Guid NodeId, IReadOnlyList<string> Routes);
