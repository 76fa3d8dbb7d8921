using System.Management.Automation;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Routes;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Approve-NebulaGCRoute: the node's advertised routes reach every other node's config and its certificate.</summary>
[Cmdlet(VerbsLifecycle.Approve, "NebulaGCRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(NodeRoutes))]
public sealed class ApproveNebulaGCRouteCommand : RouteDecisionCmdletBase
{
    protected override RouteDecision Decision => RouteDecision.Approve;
}
