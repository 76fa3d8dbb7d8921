using System.Management.Automation;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Routes;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Approve-NebulaGCRoute and Deny-NebulaGCRoute: one admin decision about routes a node advertises.</summary>
public abstract class RouteDecisionCmdletBase : ControlPlaneCmdletBase
{
    /// <summary>The node that advertises the routes.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public Guid NodeId { get; set; }

    /// <summary>Advertised routes (IPv4 CIDRs) to decide about.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Route { get; set; } = [];

    protected abstract RouteDecision Decision { get; }

    protected override void ProcessRecordCore()
    {
        var action = $"{Decision} route(s) {string.Join(", ", Route)}";
        if (!ShouldProcess($"node {NodeId} of cluster {ClusterId}", action))
        {
            return;
        }
        WriteVerbose($"{action} of node {NodeId} through {string.Join(", ", Url.Select(u => u.ToString()))}");
        using var client = CreateClient();
        var routes = PipelineThread.Run(() => new RouteService(client).DecideAsync(Decision, NodeId, Route, StopToken));
        WriteVerbose($"node {NodeId}: approved {string.Join(", ", routes.Approved)}; pending {string.Join(", ", routes.Pending)}");
        WriteObject(routes);
    }
}
