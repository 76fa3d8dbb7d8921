using System.CommandLine;
using NebulaGC.Daemon.Cli;
using NebulaGC.Daemon.Configuration;

var configOption = new Option<string>("--config")
{
    Description = "Daemon config file (JSON). Environment: NEBULAGC_DAEMON_CONFIG.",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NEBULAGC_DAEMON_CONFIG") is { Length: > 0 } path ? path : DaemonSettings.DefaultConfigPath,
};
var root = new RootCommand("nebulagc: the NebulaGC node agent. Enrolls with the control plane, applies Nebula configs and supervises nebula.")
{
    DaemonCommand.Create(configOption),
    StatusCommand.Create(configOption),
};

try
{
    // SIGTERM/SIGINT cancel the run; the daemon leaves nebula running and writes its final status within this time.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
        EnableDefaultExceptionHandler = false,
    });
}
catch (DaemonConfigException e)
{
    Console.Error.WriteLine($"nebulagc: {e.Message}");
    return 2;
}
catch (Exception e)
{
    Console.Error.WriteLine($"nebulagc: {e.Message}");
    return 1;
}
