using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCSystemdUnit: hardened systemd units for the server, daemon, Litestream and LiteFS.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCSystemdUnit", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCSystemdUnitCommand : ServerRenderCmdletBase
{
    /// <summary>Server, Daemon, Litestream or LiteFS; may instead come from the values (component).</summary>
    [Parameter]
    public SystemdComponent Component { get; set; }

    protected override string Variant(DeploymentSettings settings) => $" -Component {settings.Component}";

    [Parameter]
    public ServerRole Role { get; set; }

    [Parameter]
    public string? BinDir { get; set; }

    [Parameter]
    public string? ConfigDir { get; set; }

    [Parameter]
    public string? ListenHost { get; set; }

    [Parameter]
    public string? PublicUrl { get; set; }

    [Parameter]
    public string? InstanceId { get; set; }

    /// <summary>Where the litestream executable lives (Component Litestream).</summary>
    [Parameter]
    [RenderInput]
    public string LitestreamBinary { get; set; } = "/usr/local/bin/litestream";

    /// <summary>Where the litefs executable lives (Component LiteFS).</summary>
    [Parameter]
    [RenderInput]
    public string LiteFSBinary { get; set; } = "/usr/local/bin/litefs";

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        SystemdRenderer.Render(context, new SystemdRequest(Selector<SystemdComponent>(context.Settings.Component, "component", "Component"), LitestreamBinary, LiteFSBinary));
}
