using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCLoadBalancerConfig: HAProxy or nginx that sends writes only to the master.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCLoadBalancerConfig", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCLoadBalancerConfigCommand : RenderCmdletBase
{
    [Parameter(Mandatory = true)]
    [RenderInput]
    public LoadBalancerKind Kind { get; set; }

    /// <summary>Instances as host:port; names are derived (nebulagc1, nebulagc2, ...).</summary>
    [Parameter(ValueFromPipeline = true)]
    [RenderInput]
    public string[]? Backend { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int LoadBalancerPort { get; set; }

    [Parameter]
    [RenderInput]
    public string NginxPidPath { get; set; } = "/run/nginx.pid";

    private readonly List<string> _backends = [];

    protected override void ProcessRecordCore()
    {
        // Backends may arrive one by one through the pipeline: render once, at the end.
        _backends.AddRange(Backend ?? []);
    }

    protected override void EndProcessing()
    {
        RunGuarded(base.ProcessRecordCore);
    }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context)
    {
        if (_backends.Count > 0)
        {
            context.Settings.Backends = _backends.Select(a => new BackendSettings { Address = a }).ToList();
        }
        return LoadBalancerRenderer.Render(context, Kind, NginxPidPath);
    }
}
