@{
    Synopsis    = 'Approves routes a node advertises, so they reach every other node''s Nebula config (unsafe_routes) and the node''s certificate.'
    Description = @'
A node advertises the networks behind it with POST /v1/routes; they stay pending, reaching no config, until an admin approves them here or the cluster's auto-approve prefixes cover them (nebulagc-server cluster route-policy). A default route (0.0.0.0/0) is never auto-approved: this command is the only way to enable it.

Calls POST /v1/routes/{node}/approve as an admin node through every given control-plane URL: the write goes to the master, found through a replica's 503 or /v1/check-master. An approval that changes what configs contain moves the cluster's config version, so every daemon applies it on its next poll. Approval belongs to the advertised set: when the node withdraws a route, its approval goes, and advertising it again starts it pending.

Returns the node's routes (Advertised, Approved, Pending). A route the node does not advertise is RouteInvalid, an unknown node RouteNodeNotFound, a caller that is not an admin node RouteNotPermitted, no reachable master ControlPlaneUnavailable.
'@
    Parameters  = @{
        NodeId         = 'The node that advertises the routes. Accepted from the pipeline by property name (the objects Get-NebulaGCRoute returns).'
        Route          = 'The advertised routes to approve, as the node wrote them: IPv4 CIDRs with their network address (192.168.10.0/24).'
        Url            = 'Base URLs of control-plane instances, such as http://cp1.example.com:8080; the command finds the master among them.'
        TimeoutSeconds = 'How long to wait for each instance. Default: 10.'
    }
    Examples    = @(
        @{
            Title   = 'Approve the LAN behind a router'
            Code    = '$env:NEBULAGC_NODE_TOKEN = ''<admin node token>''; $env:NEBULAGC_CLUSTER_TOKEN = ''<cluster token>''
Approve-NebulaGCRoute -NodeId $routerId -Route 192.168.10.0/24 -Url http://cp1:8080 -TenantId $tenantId -ClusterId $clusterId -AdminNodeId $adminId'
            Remarks = 'Every other node of the cluster routes 192.168.10.0/24 through the router after its next config poll.'
        }
        @{
            Title   = 'See what would be approved'
            Code    = 'Approve-NebulaGCRoute -NodeId $routerId -Route 0.0.0.0/0 -Url http://cp1:8080 -TenantId $tenantId -ClusterId $clusterId -AdminNodeId $adminId -WhatIf'
            Remarks = 'Prints the action and changes nothing.'
        }
    )
}
