using System.Text.Json.Serialization;

namespace NebulaGC.Client.Contracts;

/// <summary>Source-generated JSON for every wire type (snake_case), so server and daemon stay Native-AOT compatible.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(CheckMasterResponse))]
[JsonSerializable(typeof(ReplicasResponse))]
[JsonSerializable(typeof(CreateNodeRequest))]
[JsonSerializable(typeof(CreateNodeResponse))]
[JsonSerializable(typeof(NodeSummary))]
[JsonSerializable(typeof(NodeListResponse))]
[JsonSerializable(typeof(UpdateMtuRequest))]
[JsonSerializable(typeof(NodeTokenResponse))]
[JsonSerializable(typeof(LighthouseRequest))]
[JsonSerializable(typeof(RelayRequest))]
[JsonSerializable(typeof(RotateClusterTokenRequest))]
[JsonSerializable(typeof(ClusterTokenResponse))]
[JsonSerializable(typeof(ConfigVersionResponse))]
[JsonSerializable(typeof(BundleUploadResponse))]
[JsonSerializable(typeof(RoutesRequest))]
[JsonSerializable(typeof(NodeRoutes))]
[JsonSerializable(typeof(AllRoutesResponse))]
[JsonSerializable(typeof(TopologyResponse))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(TenantInfo))]
[JsonSerializable(typeof(List<TenantInfo>))]
[JsonSerializable(typeof(CreateClusterRequest))]
[JsonSerializable(typeof(ClusterCreated))]
[JsonSerializable(typeof(ClusterInfo))]
[JsonSerializable(typeof(List<ClusterInfo>))]
[JsonSerializable(typeof(AdminCreateNodeRequest))]
[JsonSerializable(typeof(NodeCreated))]
[JsonSerializable(typeof(NodeListItem))]
[JsonSerializable(typeof(List<NodeListItem>))]
[JsonSerializable(typeof(ServerStatus))]
[JsonSerializable(typeof(NodeCertificateRequest))]
[JsonSerializable(typeof(NodeCertificateResponse))]
[JsonSerializable(typeof(RotateCaRequest))]
[JsonSerializable(typeof(CaRotated))]
[JsonSerializable(typeof(HaStatus))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(RemoveReplicaRequest))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
