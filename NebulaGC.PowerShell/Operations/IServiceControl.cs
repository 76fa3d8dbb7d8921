using NebulaGC.PowerShell.Install;

namespace NebulaGC.PowerShell.Operations;

/// <summary>
/// Starts and stops the services a restore or failover touches (the server, Litestream). The cmdlets use systemd;
/// tests plug in real server processes.
/// </summary>
public interface IServiceControl
{
    bool IsActive(string service);

    void Stop(string service);

    void Start(string service);
}

/// <summary><c>systemctl</c> on this host.</summary>
public sealed class SystemdServiceControl(string systemctl = "systemctl") : IServiceControl
{
    public bool IsActive(string service) => Run("is-active", service, check: false) == 0;

    public void Stop(string service) => Run("stop", service, check: true);

    public void Start(string service) => Run("start", service, check: true);

    private int Run(string verb, string service, bool check)
    {
        CommandOutput output;
        try
        {
            output = CommandRunner.Run(systemctl, [verb, "--quiet", service], Timeout.InfiniteTimeSpan);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NebulaGCException(ErrorIds.ServiceControlFailed, $"running '{systemctl} {verb} {service}' failed: {e.Message}", service, e);
        }
        if (check && output.ExitCode != 0)
        {
            throw new NebulaGCException(ErrorIds.ServiceControlFailed, $"'{systemctl} {verb} {service}' exited with {output.ExitCode}: {output.StdErr.Trim()}", service);
        }
        return output.ExitCode;
    }
}
