using System.Diagnostics;

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
        var info = new ProcessStartInfo(systemctl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(verb);
        info.ArgumentList.Add("--quiet");
        info.ArgumentList.Add(service);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NebulaGCException(ErrorIds.ServiceControlFailed, $"running '{systemctl} {verb} {service}' failed: {e.Message}", service, e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (check && process.ExitCode != 0)
            {
                throw new NebulaGCException(ErrorIds.ServiceControlFailed, $"'{systemctl} {verb} {service}' exited with {process.ExitCode}: {stderr.Result.Trim()}", service);
            }
            return process.ExitCode;
        }
    }
}
