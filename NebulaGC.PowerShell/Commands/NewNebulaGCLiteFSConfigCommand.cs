using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCLiteFSConfig: litefs.yml for a host install, where LiteFS runs nebulagc-server (role litefs).</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCLiteFSConfig", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCLiteFSConfigCommand : RenderCmdletBase
{
    /// <summary>Consul or Static; may instead come from the values (liteFS.lease). Default: Consul.</summary>
    [Parameter]
    public LeaseType Lease { get; set; }

    [Parameter]
    public string? ConsulUrl { get; set; }

    [Parameter]
    public string? ConsulKey { get; set; }

    /// <summary>This node's host name (Consul lease); default: $HOSTNAME expanded by LiteFS at start.</summary>
    [Parameter]
    [RenderInput]
    public string Hostname { get; set; } = "${HOSTNAME}";

    [Parameter]
    public string? AdvertiseUrl { get; set; }

    [Parameter]
    public string? PrimaryHostname { get; set; }

    [Parameter]
    public bool Candidate { get; set; }

    [Parameter]
    public string? LiteFSDir { get; set; }

    [Parameter]
    public string? LiteFSDataDir { get; set; }

    [Parameter]
    public string? BinDir { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context)
    {
        var s = context.Settings;
        s.Role = ServerRole.LiteFS;
        var advertise = s.AdvertiseUrl != "" ? s.AdvertiseUrl
            : s.Lease == LeaseType.Static ? $"http://{s.PrimaryHostname}:20202" : $"http://{Hostname}:20202";
        return [LiteFSRenderer.Render(context, LiteFSRenderer.ServerExec(s), Hostname, advertise)];
    }
}
