using System.Management.Automation;
using NebulaGC.PowerShell.Install;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Install-NebulaGCServer: installs, reconfigures or upgrades nebulagc-server on this host (or stages it under -Root).</summary>
[Cmdlet(VerbsLifecycle.Install, "NebulaGCServer", SupportsShouldProcess = true)]
[OutputType(typeof(InstallReport))]
public sealed class InstallNebulaGCServerCommand : HostCmdletBase
{
    /// <summary>The release archive (nebulagc-&lt;version&gt;-linux-x64.tar.gz) or its unpacked folder.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [RenderInput]
    public string Source { get; set; } = "";

    [Parameter]
    public ServerRole Role { get; set; }

    [Parameter]
    public string? ListenHost { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    [Parameter]
    public string? PublicUrl { get; set; }

    [Parameter]
    public string? InstanceId { get; set; }

    [Parameter]
    public string? DataDir { get; set; }

    /// <summary>Create the first tenant, cluster and admin node once the server is ready.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter Bootstrap { get; set; }

    [Parameter]
    [RenderInput]
    public string TenantName { get; set; } = "default";

    [Parameter]
    [RenderInput]
    public string ClusterName { get; set; } = "default";

    [Parameter]
    [RenderInput]
    public string AdminNodeName { get; set; } = "admin";

    [Parameter]
    [RenderInput]
    public SwitchParameter NoStart { get; set; }

    [Parameter]
    [RenderInput]
    [ValidateRange(1, 3600)]
    public int ReadyTimeoutSeconds { get; set; } = 60;

    protected override void ProcessRecordCore()
    {
        var request = new ServerInstallRequest
        {
            Source = GetUnresolvedProviderPathFromPSPath(Source),
            Settings = BuildSettings(),
            Root = RootDirectory,
            TemplatePath = TemplateDirectory,
            NoStart = NoStart,
            Bootstrap = Bootstrap ? new BootstrapRequest(TenantName, ClusterName, AdminNodeName) : null,
            ReadyTimeout = TimeSpan.FromSeconds(ReadyTimeoutSeconds),
        };
        var report = new ServerInstaller(new Systemctl(), Reporter).Install(request, StopToken);
        WriteObject(report);
        if (report.Outcome == InstallOutcome.RolledBack)
        {
            WriteError(new ErrorRecord(new InvalidOperationException(report.FailureReason), ErrorIds.UpgradeRolledBack.Name, Category(ErrorIds.UpgradeRolledBack.Kind), report));
        }
    }
}
