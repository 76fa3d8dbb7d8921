using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Render cmdlets that lay out a whole topology (compose, Kubernetes): the topology, the server image, its ports
/// and the LiteFS pod count, declared once here; the replica parameters come from <see cref="ReplicaRenderCmdletBase"/>.
/// </summary>
public abstract class TopologyRenderCmdletBase : ReplicaRenderCmdletBase
{
    [Parameter(Mandatory = true)]
    [RenderInput]
    public Topology Topology { get; set; }

    [Parameter]
    public string? Image { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    [Parameter]
    [ValidateRange(1, 9)]
    public int LiteFSReplicas { get; set; }
}
