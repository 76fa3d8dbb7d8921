namespace NebulaGC.Server.Services;

/// <summary>
/// Announces a cluster's new config version after the change that moved it has committed. Metrics count it; long-polls
/// wake on it.
/// </summary>
public sealed class ConfigVersionFeed
{
    public event Action<Guid, long>? Changed;

    public void Publish(Guid clusterId, long version) => Changed?.Invoke(clusterId, version);
}
