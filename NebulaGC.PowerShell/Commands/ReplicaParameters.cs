using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Turns the -Replica/-Bucket/... parameters into replica settings (one per -Replica type).</summary>
internal static class ReplicaParameters
{
    public static void Apply(DeploymentSettings settings, ReplicaType[]? types, string? bucket, string? replicaPath, string? endpoint,
        string? region, string? accountName, string? sftpHost, string? sftpUser, bool forcePathStyle)
    {
        if (types is null || types.Length == 0)
        {
            return;
        }
        settings.Replicas = types.Select(t => new ReplicaSettings
        {
            Type = t,
            Bucket = bucket ?? "",
            Path = replicaPath ?? (t == ReplicaType.File ? "/var/lib/litestream/nebulagc" : "nebulagc"),
            Endpoint = endpoint ?? "",
            Region = region ?? "",
            AccountName = accountName ?? "",
            Host = sftpHost ?? "",
            User = sftpUser ?? "",
            ForcePathStyle = forcePathStyle,
        }).ToList();
    }
}
