using System.Management.Automation;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Routes;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Get-NebulaGCRoute: every node of the cluster that advertises routes, with what is approved and what is pending.</summary>
[Cmdlet(VerbsCommon.Get, "NebulaGCRoute")]
[OutputType(typeof(NodeRoutes))]
public sealed class GetNebulaGCRouteCommand : ControlPlaneCmdletBase
{
    /// <summary>Only nodes with routes awaiting approval.</summary>
    [Parameter]
    public SwitchParameter Pending { get; set; }

    protected override void ProcessRecordCore()
    {
        using var client = CreateClient();
        foreach (var node in PipelineThread.Run(() => new RouteService(client).ListAsync(StopToken)).Where(n => !Pending || n.Pending.Count > 0))
        {
            WriteObject(node);
        }
    }
}
