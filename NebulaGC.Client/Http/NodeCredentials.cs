namespace NebulaGC.Client.Http;

/// <summary>The five authentication headers of a node (SPEC §3). Never log the tokens.</summary>
public sealed record NodeCredentials(Guid TenantId, Guid ClusterId, Guid NodeId, string NodeToken, string ClusterToken);
