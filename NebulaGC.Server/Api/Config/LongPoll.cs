using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Api.Config;

public static class LongPoll
{
    /// <summary>The longest a version request may wait (60 s): below common proxy idle timeouts.</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>How long a version request waits: zero without <c>wait</c>; <c>wait</c> needs <c>current_version</c>.</summary>
    public static TimeSpan Duration(long? currentVersion, int? waitSeconds)
    {
        if (waitSeconds is null or 0)
        {
            return TimeSpan.Zero;
        }
        if (waitSeconds is < 0 or > MaxWaitSeconds)
        {
            throw new InvalidInput($"wait {waitSeconds} is out of range: use 0–{MaxWaitSeconds} seconds");
        }
        if (currentVersion is null)
        {
            throw new InvalidInput("wait needs current_version: the version the node already has");
        }
        return TimeSpan.FromSeconds(waitSeconds.Value);
    }
}
