using System.Text.Json;
using System.Text.Json.Serialization;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// What a cluster has applied, persisted in <c>state_dir/clusters/&lt;name&gt;/state.json</c> so that a daemon
/// restart resumes where it stopped: the same version is not applied twice, nebula is not restarted needlessly,
/// and a rejected version is not retried in a loop.
/// </summary>
/// <param name="AppliedVersion">The config version nebula runs with; 0 before the first apply.</param>
/// <param name="AppliedDir">Directory name under <c>config_dir/versions</c> that <c>current</c> points to.</param>
/// <param name="PreviousDir">The last good config before <see cref="AppliedDir"/>, kept for rollback.</param>
/// <param name="RejectedVersion">The newest version refused (bad bundle, failed <c>nebula -test</c>, crash on start); 0 when none.</param>
public sealed record AppliedState(
    long AppliedVersion,
    string? AppliedSha256,
    string? AppliedDir,
    long PreviousVersion,
    string? PreviousDir,
    DateTimeOffset? AppliedAt,
    long RejectedVersion,
    string? RejectedSha256,
    string? RejectedReason,
    DateTimeOffset? RejectedAt)
{
    public static readonly AppliedState Empty = new(0, null, null, 0, null, null, 0, null, null, null);

    /// <summary>The version to report to the long-poll: a rejected version counts as seen, so the poll waits for the next one.</summary>
    public long SeenVersion => Math.Max(AppliedVersion, RejectedVersion);

    public static AppliedState Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), AppliedStateJsonContext.Default.AppliedState) ?? Empty;
        }
        catch (JsonException e)
        {
            throw new IOException($"reading applied state '{path}' failed: {e.Message}; delete the file to re-apply the current config", e);
        }
    }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, AppliedStateJsonContext.Default.AppliedState), UnixFileMode.UserRead | UnixFileMode.UserWrite);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(AppliedState))]
internal sealed partial class AppliedStateJsonContext : JsonSerializerContext;
