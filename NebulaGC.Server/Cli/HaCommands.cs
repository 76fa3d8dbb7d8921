using System.CommandLine;
using System.Globalization;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Cli;

/// <summary><c>promote</c>, <c>demote</c> and <c>replica list/remove</c>.</summary>
public static class HaCommands
{
    public static IEnumerable<Command> Create(TextWriter output)
    {
        yield return RoleChange(output, "promote", "Make this (replica) instance the master with a new fencing epoch.", admin => admin.Promote());
        yield return RoleChange(output, "demote", "Make this master stop accepting writes at once and serve as a replica.", admin => admin.Demote());
        yield return Replica(output);
    }

    private static Command RoleChange(TextWriter output, string name, string description, Func<ISuperAdmin, HaStatus> change)
    {
        var common = SuperAdminCommands.NewCommon();
        var command = SuperAdminCommands.WithCommon(new Command(name, description), common);
        command.SetAction(parse => new OutputWriter(parse.GetValue(common.Output), output).Write(change(SuperAdminCommands.Backend(parse, common)), s =>
        [
            ("INSTANCE", [s.InstanceId]), ("ROLE", [s.Role]), ("EPOCH", [s.Epoch.ToString(CultureInfo.InvariantCulture)]),
            ("DATA POSITION", [s.DataPosition.ToString(CultureInfo.InvariantCulture)]), ("MASTER URL", [s.MasterUrl ?? ""]),
        ]));
        return command;
    }

    private static Command Replica(TextWriter output)
    {
        var replica = new Command("replica", "List and remove registered control-plane instances.");

        var list = SuperAdminCommands.NewCommon();
        var listCommand = SuperAdminCommands.WithCommon(new Command("list", "List every registered instance with its role and last heartbeat."), list);
        listCommand.SetAction(parse => new OutputWriter(parse.GetValue(list.Output), output).Write(SuperAdminCommands.Backend(parse, list).ListReplicas(), r =>
        [
            ("INSTANCE", r.Instances.Select(i => i.InstanceId).ToList()), ("ROLE", r.Instances.Select(i => i.Role).ToList()),
            ("ADDRESS", r.Instances.Select(i => i.Address ?? "").ToList()),
            ("LAST SEEN", r.Instances.Select(i => i.LastSeenAt.ToString("u", CultureInfo.InvariantCulture)).ToList()),
            ("HEALTHY", r.Instances.Select(i => i.Healthy ? "yes" : "no").ToList()),
        ]));
        replica.Subcommands.Add(listCommand);

        var remove = SuperAdminCommands.NewCommon();
        var instanceId = new Option<string>("--instance-id") { Description = "The instance to forget.", Required = true };
        var removeCommand = SuperAdminCommands.WithCommon(new Command("remove", "Forget a decommissioned instance (on the master).") { instanceId }, remove);
        removeCommand.SetAction(parse =>
        {
            SuperAdminCommands.Backend(parse, remove).RemoveReplica(parse.GetValue(instanceId)!);
            output.WriteLine($"instance '{parse.GetValue(instanceId)}' removed from the registry");
        });
        replica.Subcommands.Add(removeCommand);
        return replica;
    }
}
