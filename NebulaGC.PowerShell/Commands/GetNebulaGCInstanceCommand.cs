using System.Management.Automation;
using NebulaGC.PowerShell.Instances;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Get-NebulaGCInstance: every control-plane instance with role, epoch, data position, health, version and lag.</summary>
[Cmdlet(VerbsCommon.Get, "NebulaGCInstance")]
[OutputType(typeof(NebulaGCInstance))]
public sealed class GetNebulaGCInstanceCommand : NebulaGCCmdlet
{
    private readonly List<InstanceEndpoint> _endpoints = [];

    /// <summary>Base URLs of instances (public probes: check-master, readyz, the master's registry).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public Uri[]? Url { get; set; }

    /// <summary>Local admin sockets (data position, schema, version). Default when no -Url is given: NEBULAGC_ADMIN_SOCKET or /run/nebulagc/admin.sock.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? AdminSocket { get; set; }

    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSeconds { get; set; } = 3;

    protected override void ProcessRecordCore()
    {
        _endpoints.AddRange((Url ?? []).Select(u => new InstanceEndpoint(u, null)));
        _endpoints.AddRange((AdminSocket ?? []).Select(s => new InstanceEndpoint(null, s)));
    }

    protected override void EndProcessing() => RunGuarded(() =>
    {
        if (_endpoints.Count == 0)
        {
            _endpoints.Add(new InstanceEndpoint(null, Environment.GetEnvironmentVariable("NEBULAGC_ADMIN_SOCKET") is { Length: > 0 } s ? s : "/run/nebulagc/admin.sock"));
        }
        WriteVerbose($"asking {_endpoints.Count} endpoint(s): {string.Join(", ", _endpoints.Select(e => e.Name))}");
        var inspector = new InstanceInspector(TimeSpan.FromSeconds(TimeoutSeconds), TimeProvider.System);
        foreach (var row in PipelineThread.Run(() => inspector.InspectMergedAsync(_endpoints, StopToken)))
        {
            WriteObject(row);
        }
    });
}
