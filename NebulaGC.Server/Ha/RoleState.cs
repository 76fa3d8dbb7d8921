namespace NebulaGC.Server.Ha;

public enum ServerRole
{
    Master,
    Replica,
}

/// <summary>
/// This instance's place in the HA setup, held in memory so <c>/v1/check-master</c> answers without the database.
/// </summary>
public sealed class RoleState(string instanceId, ServerRole role, string? publicUrl)
{
    private long _epoch;
    private string? _masterUrl;

    public string InstanceId { get; } = instanceId;

    public ServerRole Role { get; } = role;

    public string? PublicUrl { get; } = publicUrl;

    public bool IsMaster => Role == ServerRole.Master;

    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Where writes go, when known (the master's public URL recorded in the database).</summary>
    public string? MasterUrl => IsMaster ? PublicUrl : Volatile.Read(ref _masterUrl);

    public string RoleName => Role == ServerRole.Master ? "master" : "replica";

    public void Observe(long epoch, string? masterUrl)
    {
        Interlocked.Exchange(ref _epoch, epoch);
        Volatile.Write(ref _masterUrl, masterUrl);
    }
}
