@{
    Synopsis    = 'Lists every node of a cluster that advertises routes, with what is approved and what is pending.'
    Description = @'
Reads GET /v1/routes/all through the first control-plane instance that answers. Each object has the node's Name and NodeId, Advertised (what it announces), Approved (what configs and its certificate carry) and Pending (awaiting approval). Routes is the same as Approved, for clients of the first API version.
'@
    Parameters  = @{
        Pending        = 'Only nodes with routes awaiting approval.'
        Url            = 'Base URLs of control-plane instances; the first that answers is read.'
        TimeoutSeconds = 'How long to wait for each instance. Default: 10.'
    }
    Examples    = @(
        @{
            Title   = 'What waits for approval'
            Code    = 'Get-NebulaGCRoute -Pending -Url http://cp1:8080 -TenantId $tenantId -ClusterId $clusterId -AdminNodeId $adminId'
            Remarks = 'One row per node with pending routes.'
        }
    )
}
