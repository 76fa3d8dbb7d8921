using Microsoft.Extensions.Hosting.Systemd;

namespace NebulaGC.Server.Hosting;

/// <summary>Registers the systemd notifier and, when systemd asked for notifications, the lifetime that sends them.</summary>
public static class SystemdNotification
{
    /// <summary>
    /// <c>UseSystemd()</c> decides whether systemd started the process by looking at the parent process, which
    /// <c>ProtectProc=invisible</c> with <c>DynamicUser</c> hides: <c>READY=1</c> was never sent and a <c>Type=notify</c>
    /// unit timed out. <c>NOTIFY_SOCKET</c> is what systemd itself sets for a unit that expects notifications, so it decides.
    /// The notifier is always registered (disabled without the socket) because the watchdog uses it.
    /// </summary>
    public static IServiceCollection AddSystemdNotification(this IServiceCollection services)
    {
        var notifier = new SystemdNotifier();
        services.AddSingleton<ISystemdNotifier>(notifier);
        if (notifier.IsEnabled)
        {
            // Sends READY=1 once the host has started and STOPPING=1 on shutdown; SIGTERM stops the host as before.
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        return services;
    }
}
