using System.Text.Json.Serialization;

namespace NebulaGC.Daemon.Configuration;

// The daemon config file as written by operators (SPEC §6). Every member is nullable so that a missing
// field becomes a precise validation error instead of a deserialisation exception.

public sealed class DaemonConfigFile
{
    public List<string?>? ControlPlaneUrls { get; set; }
    public List<ClusterConfigFile?>? Clusters { get; set; }
    public string? NebulaBinary { get; set; }
    public string? StateDir { get; set; }
    public int? PollWaitSeconds { get; set; }
    public double? PollIntervalSeconds { get; set; }
}

public sealed class ClusterConfigFile
{
    public string? Name { get; set; }
    public string? TenantId { get; set; }
    public string? ClusterId { get; set; }
    public string? NodeId { get; set; }
    public string? NodeToken { get; set; }
    public string? ClusterToken { get; set; }
    public string? ConfigDir { get; set; }
}

/// <summary>Unknown fields are errors: a typo such as <c>"state-dir"</c> must not silently fall back to a default.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(DaemonConfigFile))]
internal sealed partial class DaemonConfigJsonContext : JsonSerializerContext;
