using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Ha;

/// <summary>In the <c>litefs</c> role, re-checks <c>&lt;litefs-dir&gt;/.primary</c> every <see cref="ServerOptions.RoleCheckInterval"/>.</summary>
public sealed class LiteFsRoleWatcher(ServerOptions options, HaCoordinator coordinator, TimeProvider time, ILogger<LiteFsRoleWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Role != ServerRole.LiteFs)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.RoleCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                coordinator.FollowLiteFs(options.LiteFsDirectory!);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Following the LiteFS role in {LiteFsDirectory} failed; retrying", options.LiteFsDirectory);
            }
        }
    }
}
