using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Hosting;

/// <summary>
/// Under systemd with <c>WatchdogSec=</c>, pings <c>WATCHDOG=1</c> at half the interval while the database still answers,
/// so a wedged server is restarted by systemd rather than left serving errors. Does nothing outside systemd.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, StatusService status, TimeProvider time, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || Interval() is not { } interval)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            if (status.ReadinessProblem() is { } problem)
            {
                logger.LogWarning("Not pinging the systemd watchdog: {Problem}", problem);
                continue;
            }
            notifier.Notify(Watchdog);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Half of <c>WATCHDOG_USEC</c> when systemd set it for this process.</summary>
    private static TimeSpan? Interval()
    {
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2.0)
            : null;
    }
}
