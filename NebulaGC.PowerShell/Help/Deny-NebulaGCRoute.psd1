@{
    Synopsis    = 'Withdraws approval of routes a node advertises: they leave every Nebula config and the node''s certificate, and stay pending.'
    Description = @'
Calls POST /v1/routes/{node}/reject as an admin node, on the master found among the given URLs. The routes stay advertised and pending; the node announcing the same set again (a daemon restart) does not approve them again, and neither does the auto-approve policy — only a new approval, a new route-policy, or the node withdrawing and re-advertising them. A rejection that changes what configs contain moves the cluster's config version.

Returns the node's routes (Advertised, Approved, Pending). Errors as for Approve-NebulaGCRoute: RouteInvalid, RouteNodeNotFound, RouteNotPermitted, ControlPlaneUnavailable.
'@
    Parameters  = @{
        NodeId         = 'The node that advertises the routes. Accepted from the pipeline by property name.'
        Route          = 'The advertised routes to reject (IPv4 CIDRs).'
        Url            = 'Base URLs of control-plane instances; the command finds the master among them.'
        TimeoutSeconds = 'How long to wait for each instance. Default: 10.'
    }
    Examples    = @(
        @{
            Title   = 'Stop routing a network through a router'
            Code    = 'Deny-NebulaGCRoute -NodeId $routerId -Route 192.168.10.0/24 -Url http://cp1:8080 -TenantId $tenantId -ClusterId $clusterId -AdminNodeId $adminId'
            Remarks = 'The route disappears from every other node''s unsafe_routes after their next config poll.'
        }
    )
}
