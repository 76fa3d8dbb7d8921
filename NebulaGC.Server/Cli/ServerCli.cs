using System.CommandLine;

namespace NebulaGC.Server.Cli;

/// <summary>The <c>nebulagc-server</c> command tree.</summary>
public static class ServerCli
{
    public static RootCommand Create(TextWriter output)
    {
        var root = new RootCommand("nebulagc-server: the NebulaGC control plane for Nebula overlay networks.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create(output));
        foreach (var command in SuperAdminCommands.Create(output).Concat(HaCommands.Create(output)))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
