namespace NebulaGC.Client.Contracts;

/// <summary>The body of every error response: a human message and a stable code (see <see cref="ErrorCodes"/>).</summary>
public sealed record ErrorResponse(string Error, string Code);

public sealed record HealthResponse(string Status);

public sealed record CheckMasterResponse(bool Master, string InstanceId, long Epoch);

public sealed record ReplicaInstance(string InstanceId, string? Address, string Role, DateTimeOffset LastSeenAt, bool Healthy);

public sealed record ReplicasResponse(IReadOnlyList<ReplicaInstance> Instances);

/// <summary>Creates a node in the caller's cluster. <c>Name</c> and <c>IsAdmin</c> are required; <c>Mtu</c> defaults to 1300 (1280–9000).</summary>
public sealed record CreateNodeRequest(string Name, bool IsAdmin, int? Mtu = null, IReadOnlyList<string>? Groups = null);

/// <summary>Tokens are shown exactly once, here.</summary>
public sealed record CreateNodeResponse(Guid NodeId, string NodeToken, string ClusterToken, string OverlayIp, DateTimeOffset CreatedAt);

public sealed record NodeSummary(
    Guid NodeId,
    string Name,
    bool IsAdmin,
    string OverlayIp,
    int Mtu,
    bool IsLighthouse,
    string? PublicIp,
    int? LighthousePort,
    bool IsRelay,
    IReadOnlyList<string> Routes,
    IReadOnlyList<string> Groups,
    DateTimeOffset CreatedAt);

public sealed record NodeListResponse(IReadOnlyList<NodeSummary> Nodes, int Page, int PageSize, int Total);

public sealed record UpdateMtuRequest(int Mtu);

public sealed record NodeTokenResponse(Guid NodeId, string NodeToken);

/// <summary><c>PublicIp</c> is required when <c>IsLighthouse</c> is true; <c>LighthousePort</c> defaults to 4242.</summary>
public sealed record LighthouseRequest(bool IsLighthouse, string? PublicIp = null, int? LighthousePort = null);

public sealed record RelayRequest(bool IsRelay);

/// <summary><c>GraceSeconds</c>: how long the previous cluster token keeps working (0–86400, default 0).</summary>
public sealed record RotateClusterTokenRequest(int? GraceSeconds = null);

public sealed record ClusterTokenResponse(string ClusterToken, DateTimeOffset? PreviousTokenValidUntil);

public sealed record ConfigVersionResponse(long LatestVersion);

public sealed record BundleUploadResponse(long Version, DateTimeOffset UploadedAt);

/// <summary>A list of IPv4 CIDRs: the routes a node advertises, or the advertised routes an admin approves or rejects.</summary>
public sealed record RoutesRequest(IReadOnlyList<string> Routes);

/// <summary>
/// A node's routes. <c>Advertised</c>: what the node announces. <c>Approved</c>: the part an admin (or the cluster's
/// auto-approve prefixes) approved — only these reach configs, <c>unsafe_routes</c> and the node's certificate.
/// <c>Pending</c>: advertised, awaiting approval. <c>Routes</c> equals <c>Approved</c> (the routes in effect), kept
/// for clients of the first API version.
/// </summary>
public sealed record NodeRoutes(
    Guid NodeId,
    string Name,
    IReadOnlyList<string> Routes,
    IReadOnlyList<string> Advertised,
    IReadOnlyList<string> Approved,
    IReadOnlyList<string> Pending);

public sealed record AllRoutesResponse(IReadOnlyList<NodeRoutes> Nodes);

public sealed record TopologyNode(Guid NodeId, string Name, string OverlayIp, string? PublicIp, int? Port);

public sealed record ControlPlaneLighthouse(bool Enabled, int Port);

/// <summary><c>Routes</c>: every node that advertises routes, with what is approved and what is pending.</summary>
public sealed record TopologyResponse(
    IReadOnlyList<TopologyNode> Lighthouses,
    IReadOnlyList<TopologyNode> Relays,
    ControlPlaneLighthouse ControlPlaneLighthouse,
    IReadOnlyList<NodeRoutes> Routes);

/// <summary>The node's X25519 public key as a <c>NEBULA X25519 PUBLIC KEY</c> PEM; the private key stays on the node.</summary>
public sealed record NodeCertificateRequest(string PublicKey);

/// <summary>The signed host certificate; the same certificate is in the node's next bundle (<c>ConfigVersion</c>).</summary>
public sealed record NodeCertificateResponse(string Certificate, string Fingerprint, DateTimeOffset NotAfter, long ConfigVersion);
