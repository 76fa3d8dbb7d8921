@{
    Synopsis    = 'Renders an HAProxy or nginx configuration that sends reads to every instance and writes only to the master.'
    Description = @'
HAProxy: reads (GET, HEAD, OPTIONS) go round-robin to every instance that answers 200 on /v1/readyz; every other request goes to a backend whose health check asks GET /v1/check-master and accepts an instance only when the body says "master": true (check-master answers 200 on replicas too, so the status alone proves nothing). A failover moves writes within two check intervals.

nginx (open source) cannot match a health-check body. Its writes go through an upstream that tries the instances in turn; replicas refuse writes with 503 without touching their database, and nginx moves on (proxy_next_upstream ... http_503 non_idempotent), so only the master carries out a write. Prefer HAProxy where you can.
'@
    Parameters  = @{
        Kind             = 'HAProxy or Nginx.'
        Backend          = 'The control-plane instances as host:port (their NEBULAGC_LISTEN_ADDR), also from the pipeline. Named <Name>1, <Name>2, ... Backends in a values file may name them.'
        LoadBalancerPort = 'Port the load balancer listens on. Default: 80.'
        NginxPidPath     = 'pid file of nginx (Kind Nginx). Default: /run/nginx.pid.'
    }
    Examples    = @(
        @{
            Title   = 'HAProxy in front of three instances'
            Code    = 'New-NebulaGCLoadBalancerConfig -Kind HAProxy -Backend 10.0.0.11:8080, 10.0.0.12:8080, 10.0.0.13:8080 -Path ./haproxy'
            Remarks = 'Writes ./haproxy/haproxy.cfg; check it with haproxy -c -f ./haproxy/haproxy.cfg, then install it as /etc/haproxy/haproxy.cfg.'
        }
        @{
            Title   = 'nginx from a list of hosts'
            Code    = "'cp1:8080', 'cp2:8080' | New-NebulaGCLoadBalancerConfig -Kind Nginx -LoadBalancerPort 8443 -Path ./lb"
            Remarks = 'Backends may come from the pipeline.'
        }
    )
}
