using System.Management.Automation;
using System.Net;
using System.Security;
using NebulaGC.PowerShell.Install;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Install-NebulaGCDaemon: installs the node agent nebulagc on this host, joined to one cluster, and waits until it applied a config.</summary>
[Cmdlet(VerbsLifecycle.Install, "NebulaGCDaemon", SupportsShouldProcess = true, DefaultParameterSetName = CredentialSet)]
[OutputType(typeof(InstallReport))]
public sealed class InstallNebulaGCDaemonCommand : HostCmdletBase
{
    public const string CredentialSet = "Credential";
    public const string TokenFileSet = "TokenFile";

    [Parameter(Mandatory = true, Position = 0)]
    [RenderInput]
    public string Source { get; set; } = "";

    /// <summary>Base URLs of every control-plane instance.</summary>
    [Parameter(Mandatory = true)]
    [RenderInput]
    public string[] ControlPlaneUrl { get; set; } = [];

    /// <summary>Local name of the cluster (a directory name; several clusters can be joined one by one).</summary>
    [Parameter]
    [RenderInput]
    public string ClusterName { get; set; } = "default";

    [Parameter(Mandatory = true)]
    [RenderInput]
    public Guid TenantId { get; set; }

    [Parameter(Mandatory = true)]
    [RenderInput]
    public Guid ClusterId { get; set; }

    /// <summary>User name: the node id; password: the node token.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [RenderInput]
    [Credential]
    public PSCredential? NodeCredential { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [RenderInput]
    public SecureString? ClusterToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TokenFileSet)]
    [RenderInput]
    public Guid NodeId { get; set; }

    /// <summary>A file holding the node token (its first line).</summary>
    [Parameter(Mandatory = true, ParameterSetName = TokenFileSet)]
    [RenderInput]
    public string NodeTokenPath { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = TokenFileSet)]
    [RenderInput]
    public string ClusterTokenPath { get; set; } = "";

    /// <summary>Where nebula is installed (the NebulaBinary setting).</summary>
    [Parameter]
    [RenderInput]
    public string? NebulaPath { get; set; }

    [Parameter]
    [RenderInput]
    public SwitchParameter NoStart { get; set; }

    [Parameter]
    [RenderInput]
    [ValidateRange(1, 3600)]
    public int AppliedTimeoutSeconds { get; set; } = 90;

    protected override void ProcessRecordCore()
    {
        var settings = BuildSettings();
        if (NebulaPath is not null)
        {
            settings.NebulaBinary = NebulaPath;
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ConfigDir)) && !MyInvocation.BoundParameters.ContainsKey(nameof(DeploymentSettings.DaemonConfigPath)))
        {
            settings.DaemonConfigPath = System.IO.Path.Join(settings.ConfigDir, "daemon.json");
        }
        var (nodeId, nodeToken, clusterToken) = ParameterSetName == CredentialSet
            ? (NodeCredential!.UserName, NodeCredential.GetNetworkCredential().Password, new NetworkCredential("", ClusterToken).Password)
            : (NodeId.ToString(), ReadToken(NodeTokenPath), ReadToken(ClusterTokenPath));
        if (!Guid.TryParse(nodeId, out var parsedNodeId))
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, $"-NodeCredential's user name must be the node id (a UUID), not '{nodeId}'", nodeId);
        }
        var request = new DaemonInstallRequest
        {
            Source = GetUnresolvedProviderPathFromPSPath(Source),
            Settings = settings,
            ControlPlaneUrls = ControlPlaneUrl,
            Cluster = new DaemonCluster(ClusterName, TenantId.ToString(), ClusterId.ToString(), parsedNodeId.ToString(), nodeToken, clusterToken),
            Root = RootDirectory,
            TemplatePath = TemplateDirectory,
            NoStart = NoStart,
            AppliedTimeout = TimeSpan.FromSeconds(AppliedTimeoutSeconds),
        };
        WriteObject(new DaemonInstaller(new Systemctl(), Reporter).Install(request, StopToken));
    }

    private string ReadToken(string path)
    {
        var full = GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(full))
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, $"token file '{full}' does not exist", full);
        }
        return File.ReadLines(full).FirstOrDefault()?.Trim() is { Length: > 0 } token
            ? token
            : throw new NebulaGCException(ErrorIds.SettingsInvalid, $"token file '{full}' is empty", full);
    }
}
