namespace NebulaGC.Server.Domain;

/// <summary>
/// This instance's current place in the HA setup, held in memory so <c>/v1/check-master</c> answers without the database.
/// Changes only through <c>Ha.HaCoordinator</c> (start-up, promote, demote, fencing, LiteFS).
/// </summary>
public sealed class RoleState(string instanceId, ServerRole configuredRole, string? publicUrl)
{
    private readonly Lock _gate = new();
    private bool _isMaster;
    private long _epoch;
    private string? _masterUrl;

    public string InstanceId { get; } = instanceId;

    public ServerRole ConfiguredRole { get; } = configuredRole;

    public string? PublicUrl { get; } = publicUrl;

    public bool IsMaster
    {
        get
        {
            lock (_gate)
            {
                return _isMaster;
            }
        }
    }

    public long Epoch
    {
        get
        {
            lock (_gate)
            {
                return _epoch;
            }
        }
    }

    /// <summary>Where writes go, when known: this instance's URL on a master, the recorded master's on a replica.</summary>
    public string? MasterUrl
    {
        get
        {
            lock (_gate)
            {
                return _isMaster ? PublicUrl : _masterUrl;
            }
        }
    }

    public string RoleName => IsMaster ? "master" : "replica";

    /// <summary>A consistent view of role and epoch (for check-master).</summary>
    public (bool IsMaster, long Epoch) Snapshot()
    {
        lock (_gate)
        {
            return (_isMaster, _epoch);
        }
    }

    internal void Set(bool isMaster, long epoch, string? masterUrl)
    {
        lock (_gate)
        {
            _isMaster = isMaster;
            _epoch = epoch;
            _masterUrl = masterUrl;
        }
    }
}
