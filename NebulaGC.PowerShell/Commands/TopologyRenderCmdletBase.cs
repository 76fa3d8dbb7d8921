using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Render cmdlets that lay out a whole topology (compose, Kubernetes): the topology, the server image, its ports
/// and the LiteFS pod count, declared once here; the replica parameters come from <see cref="ReplicaRenderCmdletBase"/>.
/// </summary>
public abstract class TopologyRenderCmdletBase : ReplicaRenderCmdletBase
{
    /// <summary>Single, Litestream or LiteFS; may instead come from the values (topology).</summary>
    [Parameter]
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

    /// <summary>The topology from -Topology or the values.</summary>
    protected static Topology SelectedTopology(DeploymentSettings settings) => Selector<Topology>(settings.Topology?.ToString(), "topology", "Topology");

    protected override string Variant(DeploymentSettings settings) => $" -Topology {settings.Topology}";
}
