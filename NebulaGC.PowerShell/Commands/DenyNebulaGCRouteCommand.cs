using System.Management.Automation;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Routes;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Deny-NebulaGCRoute: the routes leave every config and stay advertised, pending.</summary>
[Cmdlet(VerbsLifecycle.Deny, "NebulaGCRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(NodeRoutes))]
public sealed class DenyNebulaGCRouteCommand : RouteDecisionCmdletBase
{
    protected override RouteDecision Decision => RouteDecision.Reject;
}
