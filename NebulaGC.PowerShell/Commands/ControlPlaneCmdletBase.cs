using System.Management.Automation;
using NebulaGC.Client.Http;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Base of cmdlets that call the REST API as a node: the control-plane URLs and the five credentials. The tokens may come
/// from NEBULAGC_NODE_TOKEN and NEBULAGC_CLUSTER_TOKEN, so they need not appear on a command line or in history.
/// </summary>
public abstract class ControlPlaneCmdletBase : NebulaGCCmdlet
{
    public const string NodeTokenVariable = "NEBULAGC_NODE_TOKEN";
    public const string ClusterTokenVariable = "NEBULAGC_CLUSTER_TOKEN";

    /// <summary>Base URLs of control-plane instances; writes find the master among them.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public Uri[] Url { get; set; } = [];

    [Parameter(Mandatory = true)]
    public Guid TenantId { get; set; }

    [Parameter(Mandatory = true)]
    public Guid ClusterId { get; set; }

    /// <summary>The node whose credentials the call uses (an admin node to approve or reject).</summary>
    [Parameter(Mandatory = true)]
    public Guid AdminNodeId { get; set; }

    /// <summary>Default: NEBULAGC_NODE_TOKEN.</summary>
    [Parameter]
    public string? AdminNodeToken { get; set; }

    /// <summary>Default: NEBULAGC_CLUSTER_TOKEN.</summary>
    [Parameter]
    public string? ClusterToken { get; set; }

    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>A client for this invocation's URLs and credentials; the caller disposes it.</summary>
    protected ControlPlaneClient CreateClient()
    {
        var credentials = new NodeCredentials(TenantId, ClusterId, AdminNodeId,
            Token(AdminNodeToken, NodeTokenVariable, "AdminNodeToken"), Token(ClusterToken, ClusterTokenVariable, "ClusterToken"));
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        return new ControlPlaneClient(Url, credentials, new ControlPlaneClientOptions { ConnectTimeout = timeout, RequestTimeout = timeout });
    }

    private static string Token(string? given, string variable, string parameter) =>
        given is { Length: > 0 } ? given
        : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : throw new NebulaGCException(ErrorIds.ControlPlaneCredentialsMissing, $"no {parameter}: pass -{parameter} or set {variable}", parameter);
}
