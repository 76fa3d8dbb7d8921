using System.CommandLine;
using NebulaGC.Daemon.Agent;
using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Logging;

namespace NebulaGC.Daemon.Cli;

/// <summary><c>nebulagc daemon --config PATH</c>: loads and validates the config, then runs until SIGTERM/SIGINT.</summary>
public static class DaemonCommand
{
    public static Command Create(Option<string> configOption)
    {
        var command = new Command("daemon", "Run the node agent: enroll, poll for configs, apply them and supervise nebula (one per cluster).")
        {
            configOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = DaemonConfigLoader.Load(parse.GetValue(configOption)!);
            var log = new DaemonLog(Console.Error, TimeProvider.System);
            await new DaemonRunner(settings, new DaemonRunnerOptions(), log, TimeProvider.System).RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
