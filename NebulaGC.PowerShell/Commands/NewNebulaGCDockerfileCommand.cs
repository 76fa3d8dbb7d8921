using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCDockerfile: a multi-stage Native AOT Dockerfile for the server or the daemon.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCDockerfile", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCDockerfileCommand : ServerRenderCmdletBase
{
    /// <summary>Server or Daemon; may instead come from the values (component).</summary>
    [Parameter]
    public ContainerComponent Component { get; set; }

    protected override string Variant(DeploymentSettings settings) => $" -Component {settings.Component}";

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        ContainerRenderer.RenderDockerfile(context, Selector<ContainerComponent>(context.Settings.Component, "component", "Component"));
}
