using System.CommandLine;
using System.Globalization;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Cli;

/// <summary><c>tenant</c>, <c>cluster</c>, <c>node</c>, <c>route</c> and <c>status</c>: bind options, call <see cref="ISuperAdmin"/>, print.</summary>
public static class SuperAdminCommands
{
    internal sealed record Common(Option<string> Db, Option<string> AdminSocket, Option<string?> SecretFile, Option<OutputFormat> Output);

    public static IEnumerable<Command> Create(TextWriter output)
    {
        yield return Tenant(output);
        yield return Cluster(output);
        yield return Node(output);
        yield return Route(output);
        yield return Status(output);
    }

    internal static Common NewCommon() => new(CliOptions.Db(), CliOptions.AdminSocket(), CliOptions.HmacSecretFile(), CliOptions.Output());

    internal static Command WithCommon(Command command, Common common)
    {
        command.Options.Add(common.Db);
        command.Options.Add(common.AdminSocket);
        command.Options.Add(common.SecretFile);
        command.Options.Add(common.Output);
        return command;
    }

    /// <summary>Through the admin socket when a server is serving it (and the database is the same or unspecified), else on the file.</summary>
    internal static ISuperAdmin Backend(ParseResult parse, Common common)
    {
        var socket = parse.GetValue(common.AdminSocket);
        var dbGiven = parse.GetResult(common.Db) is { Implicit: false };
        var dbPath = Path.GetFullPath(parse.GetValue(common.Db)!);
        if (!string.IsNullOrEmpty(socket) && File.Exists(socket) && AdminSocket.IsServing(socket))
        {
            var remote = new SocketSuperAdmin(socket);
            if (!dbGiven || remote.Status().DbPath == dbPath)
            {
                return remote;
            }
            remote.Dispose();
        }
        return new DirectSuperAdmin(dbPath, () => HmacSecret.Load(parse.GetValue(common.SecretFile), Environment.GetEnvironmentVariable));
    }

    private static Command Tenant(TextWriter output)
    {
        var tenant = new Command("tenant", "Create and list tenants.");

        var create = NewCommon();
        var name = new Option<string>("--name") { Description = "Tenant name.", Required = true };
        var createCommand = WithCommon(new Command("create", "Create a tenant.") { name }, create);
        createCommand.SetAction(parse =>
            new OutputWriter(parse.GetValue(create.Output), output).Write(Backend(parse, create).CreateTenant(parse.GetValue(name)!), TenantTable));
        tenant.Subcommands.Add(createCommand);

        var list = NewCommon();
        var listCommand = WithCommon(new Command("list", "List tenants."), list);
        listCommand.SetAction(parse => new OutputWriter(parse.GetValue(list.Output), output).Write(Backend(parse, list).ListTenants(), TenantTable));
        tenant.Subcommands.Add(listCommand);
        return tenant;
    }

    private static Command Cluster(TextWriter output)
    {
        var cluster = new Command("cluster", "Create and list clusters.");

        var create = NewCommon();
        var tenantId = new Option<Guid>("--tenant-id") { Description = "Owning tenant.", Required = true };
        var name = new Option<string>("--name") { Description = "Cluster name.", Required = true };
        var overlayCidr = new Option<string?>("--overlay-cidr") { Description = "IPv4 overlay network (default 10.42.0.0/16)." };
        var pki = new Option<string?>("--pki") { Description = "managed (default: the server runs the CA) or external (upload bundles)." };
        pki.AcceptOnlyFromAmong(PkiModes.ManagedName, PkiModes.ExternalName);
        var provideLighthouse = new Option<bool>("--provide-lighthouse") { Description = "Control-plane instances serve as lighthouses for this cluster." };
        var lighthousePort = new Option<int?>("--lighthouse-port") { Description = "UDP port of those lighthouses (default 4242)." };
        var createCommand = WithCommon(new Command("create", "Create a cluster; prints its cluster token once.") { tenantId, name, overlayCidr, pki, provideLighthouse, lighthousePort }, create);
        createCommand.SetAction(parse =>
        {
            var created = Backend(parse, create).CreateCluster(new CreateClusterRequest(parse.GetValue(tenantId), parse.GetValue(name)!, parse.GetValue(overlayCidr),
                parse.GetValue(pki), parse.GetValue(provideLighthouse), parse.GetValue(lighthousePort)));
            new OutputWriter(parse.GetValue(create.Output), output).Write(created, c =>
            [
                ("CLUSTER ID", [c.ClusterId.ToString()]), ("TENANT ID", [c.TenantId.ToString()]), ("NAME", [c.Name]), ("OVERLAY", [c.OverlayCidr]),
                ("PKI", [c.PkiMode]), ("VERSION", [c.ConfigVersion.ToString(CultureInfo.InvariantCulture)]), ("CLUSTER TOKEN", [c.ClusterToken]),
            ]);
        });
        cluster.Subcommands.Add(createCommand);

        var list = NewCommon();
        var listTenant = new Option<Guid>("--tenant-id") { Description = "Tenant whose clusters to list.", Required = true };
        var listCommand = WithCommon(new Command("list", "List a tenant's clusters.") { listTenant }, list);
        listCommand.SetAction(parse => new OutputWriter(parse.GetValue(list.Output), output).Write(Backend(parse, list).ListClusters(parse.GetValue(listTenant)), rows =>
        [
            ("CLUSTER ID", rows.Select(r => r.ClusterId.ToString()).ToList()), ("NAME", rows.Select(r => r.Name).ToList()),
            ("OVERLAY", rows.Select(r => r.OverlayCidr).ToList()), ("PKI", rows.Select(r => r.PkiMode).ToList()),
            ("VERSION", rows.Select(r => r.ConfigVersion.ToString(CultureInfo.InvariantCulture)).ToList()),
            ("NODES", rows.Select(r => r.NodeCount.ToString(CultureInfo.InvariantCulture)).ToList()),
            ("CREATED", rows.Select(r => r.CreatedAt.ToString("u", CultureInfo.InvariantCulture)).ToList()),
        ]));
        cluster.Subcommands.Add(listCommand);

        var rotate = NewCommon();
        var rotateCluster = new Option<Guid>("--cluster-id") { Description = "Managed-PKI cluster whose CA to replace.", Required = true };
        var overlapDays = new Option<double?>("--overlap-days") { Description = "How long the old CA stays trusted (default 30)." };
        var rotateCommand = WithCommon(new Command("rotate-ca", "Replace a cluster's CA; node certificates are re-signed and the old CA stays trusted for the overlap.") { rotateCluster, overlapDays }, rotate);
        rotateCommand.SetAction(parse =>
        {
            var overlap = parse.GetValue(overlapDays) is { } days ? (long?)TimeSpan.FromDays(days).TotalSeconds : null;
            new OutputWriter(parse.GetValue(rotate.Output), output).Write(Backend(parse, rotate).RotateCa(new RotateCaRequest(parse.GetValue(rotateCluster), overlap)), r =>
            [
                ("CLUSTER ID", [r.ClusterId.ToString()]), ("NEW CA", [r.CaFingerprint]), ("OLD CA", [r.PreviousCaFingerprint]),
                ("OLD CA TRUSTED UNTIL", [r.PreviousTrustedUntil.ToString("u", CultureInfo.InvariantCulture)]),
                ("RE-SIGNED", [r.CertificatesResigned.ToString(CultureInfo.InvariantCulture)]), ("VERSION", [r.ConfigVersion.ToString(CultureInfo.InvariantCulture)]),
            ]);
        });
        cluster.Subcommands.Add(rotateCommand);

        var firewall = NewCommon();
        var firewallCluster = new Option<Guid>("--cluster-id") { Description = "Cluster whose nodes get the rules.", Required = true };
        var allow = new Option<string[]>("--allow") { Description = "Inbound rule PROTO/PORT[@GROUP], repeatable (e.g. tcp/443, tcp/22@admins); none restores the default.", AllowMultipleArgumentsPerToken = true };
        var firewallCommand = WithCommon(new Command("firewall", "Set the inbound rules every node's Nebula firewall adds to the default (ICMP in, all out).") { firewallCluster, allow }, firewall);
        firewallCommand.SetAction(parse => new OutputWriter(parse.GetValue(firewall.Output), output).Write(
            Backend(parse, firewall).SetFirewall(new SetFirewallRequest(parse.GetValue(firewallCluster), parse.GetValue(allow) ?? [])), f =>
            [
                ("CLUSTER ID", [f.ClusterId.ToString()]), ("INBOUND", [string.Join(" ", f.Inbound)]), ("VERSION", [f.ConfigVersion.ToString(CultureInfo.InvariantCulture)]),
            ]));
        cluster.Subcommands.Add(firewallCommand);

        var policy = NewCommon();
        var policyCluster = new Option<Guid>("--cluster-id") { Description = "Cluster whose routers' advertisements the policy covers.", Required = true };
        var autoApprove = new Option<string[]>("--auto-approve")
        {
            Description = "IPv4 prefix inside which advertised routes are approved without review, repeatable or comma-separated (e.g. 192.168.0.0/16,172.16.0.0/12); none turns auto-approval off. A default route is never auto-approved.",
            AllowMultipleArgumentsPerToken = true,
        };
        var policyCommand = WithCommon(new Command("route-policy", "Set the prefixes inside which advertised routes are approved automatically; pending routes they cover are approved now.") { policyCluster, autoApprove }, policy);
        policyCommand.SetAction(parse => new OutputWriter(parse.GetValue(policy.Output), output).Write(
            Backend(parse, policy).SetRoutePolicy(new SetRoutePolicyRequest(parse.GetValue(policyCluster), SplitList(parse.GetValue(autoApprove)))), p =>
            [
                ("CLUSTER ID", [p.ClusterId.ToString()]), ("AUTO-APPROVE", [string.Join(",", p.AutoApprove)]),
                ("APPROVED NOW", [string.Join(" ", p.ApprovedNow.Select(n => $"{n.Name}:{string.Join(",", n.Approved)}"))]),
                ("VERSION", [p.ConfigVersion.ToString(CultureInfo.InvariantCulture)]),
            ]));
        cluster.Subcommands.Add(policyCommand);
        return cluster;
    }

    private static Command Node(TextWriter output)
    {
        var node = new Command("node", "Create and list nodes.");

        var create = NewCommon();
        var tenantId = new Option<Guid>("--tenant-id") { Description = "Tenant.", Required = true };
        var clusterId = new Option<Guid>("--cluster-id") { Description = "Cluster.", Required = true };
        var name = new Option<string>("--name") { Description = "Node name, unique in the cluster.", Required = true };
        var admin = new Option<bool>("--admin") { Description = "The node may manage the cluster through the API." };
        var mtu = new Option<int?>("--mtu") { Description = "Tunnel MTU, 1280–9000 (default 1300)." };
        var clusterToken = new Option<string?>("--cluster-token")
        {
            Description = "The cluster token, to have it checked and printed with the node's credentials (NEBULAGC_CLUSTER_TOKEN). It is stored only as a hash, so it cannot be printed otherwise.",
        };
        var createCommand = WithCommon(new Command("create", "Create a node; prints its token once.") { tenantId, clusterId, name, admin, mtu, clusterToken }, create);
        createCommand.SetAction(parse =>
        {
            var created = Backend(parse, create).CreateNode(new AdminCreateNodeRequest(parse.GetValue(tenantId), parse.GetValue(clusterId), parse.GetValue(name)!,
                parse.GetValue(admin), parse.GetValue(mtu), null, parse.GetValue(clusterToken) ?? CliOptions.Env("NEBULAGC_CLUSTER_TOKEN")));
            new OutputWriter(parse.GetValue(create.Output), output).Write(created, n =>
            [
                ("NODE ID", [n.NodeId.ToString()]), ("OVERLAY IP", [n.OverlayIp]), ("ADMIN", [n.IsAdmin ? "yes" : "no"]), ("NODE TOKEN", [n.NodeToken]),
                ("CLUSTER TOKEN", [n.ClusterToken ?? "(as printed by cluster create)"]),
            ]);
        });
        node.Subcommands.Add(createCommand);

        var list = NewCommon();
        var listTenant = new Option<Guid>("--tenant-id") { Description = "Tenant.", Required = true };
        var listCluster = new Option<Guid>("--cluster-id") { Description = "Cluster.", Required = true };
        var listCommand = WithCommon(new Command("list", "List a cluster's nodes (never their tokens).") { listTenant, listCluster }, list);
        listCommand.SetAction(parse => new OutputWriter(parse.GetValue(list.Output), output).Write(
            Backend(parse, list).ListNodes(parse.GetValue(listTenant), parse.GetValue(listCluster)), rows =>
            [
                ("NODE ID", rows.Select(r => r.NodeId.ToString()).ToList()), ("NAME", rows.Select(r => r.Name).ToList()),
                ("OVERLAY IP", rows.Select(r => r.OverlayIp).ToList()), ("MTU", rows.Select(r => r.Mtu.ToString(CultureInfo.InvariantCulture)).ToList()),
                ("ADMIN", rows.Select(r => r.IsAdmin ? "yes" : "").ToList()), ("LIGHTHOUSE", rows.Select(r => r.IsLighthouse ? "yes" : "").ToList()),
                ("RELAY", rows.Select(r => r.IsRelay ? "yes" : "").ToList()), ("ROUTES", rows.Select(r => string.Join(",", r.Routes)).ToList()),
            ]));
        node.Subcommands.Add(listCommand);
        return node;
    }

    private static Command Route(TextWriter output)
    {
        var route = new Command("route", "List, approve and reject the routes nodes advertise.");

        var list = NewCommon();
        var listCluster = new Option<Guid>("--cluster-id") { Description = "Cluster.", Required = true };
        var listCommand = WithCommon(new Command("list", "Every node that advertises routes: advertised, approved and pending.") { listCluster }, list);
        listCommand.SetAction(parse => new OutputWriter(parse.GetValue(list.Output), output).Write(
            Backend(parse, list).ListRoutes(parse.GetValue(listCluster)).Nodes.ToList(), RoutesTable));
        route.Subcommands.Add(listCommand);

        route.Subcommands.Add(Decide(output, "approve", "Approve routes a node advertises (a default route only this way); they reach the cluster's configs.",
            (admin, request) => admin.ApproveRoutes(request)));
        route.Subcommands.Add(Decide(output, "reject", "Withdraw approval of routes a node advertises; they leave the configs and stay pending.",
            (admin, request) => admin.RejectRoutes(request)));
        return route;
    }

    private static Command Decide(TextWriter output, string name, string description, Func<ISuperAdmin, AdminRoutesRequest, NodeRoutes> decide)
    {
        var common = NewCommon();
        var cluster = new Option<Guid>("--cluster-id") { Description = "Cluster.", Required = true };
        var node = new Option<Guid>("--node-id") { Description = "The node that advertises the routes.", Required = true };
        var cidr = new Option<string[]>("--cidr")
        {
            Description = "Advertised route (IPv4 CIDR), repeatable or comma-separated.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var command = WithCommon(new Command(name, description) { cluster, node, cidr }, common);
        command.SetAction(parse => new OutputWriter(parse.GetValue(common.Output), output).Write(
            decide(Backend(parse, common), new AdminRoutesRequest(parse.GetValue(cluster), parse.GetValue(node), SplitList(parse.GetValue(cidr)))),
            n => RoutesTable([n])));
        return command;
    }

    private static IEnumerable<(string, IReadOnlyList<string>)> RoutesTable(List<NodeRoutes> rows) =>
    [
        ("NODE ID", rows.Select(r => r.NodeId.ToString()).ToList()), ("NAME", rows.Select(r => r.Name).ToList()),
        ("ADVERTISED", rows.Select(r => string.Join(",", r.Advertised)).ToList()), ("APPROVED", rows.Select(r => string.Join(",", r.Approved)).ToList()),
        ("PENDING", rows.Select(r => string.Join(",", r.Pending)).ToList()),
    ];

    /// <summary>Values of a repeatable option, each of which may itself be a comma-separated list.</summary>
    private static List<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static Command Status(TextWriter output)
    {
        var common = NewCommon();
        var command = WithCommon(new Command("status", "Show this instance's role, epoch, versions and database."), common);
        command.SetAction(parse => new OutputWriter(parse.GetValue(common.Output), output).Write(Backend(parse, common).Status(), s =>
        [
            ("INSTANCE", [s.InstanceId]), ("ROLE", [s.Role]), ("EPOCH", [s.Epoch.ToString(CultureInfo.InvariantCulture)]), ("VERSION", [s.Version]),
            ("SCHEMA", [s.SchemaVersion.ToString(CultureInfo.InvariantCulture)]), ("DATABASE", [s.DbPath]), ("PUBLIC URL", [s.PublicUrl ?? ""]),
        ]));
        return command;
    }

    private static IEnumerable<(string, IReadOnlyList<string>)> TenantTable(TenantInfo t) => TenantTable([t]);

    private static IEnumerable<(string, IReadOnlyList<string>)> TenantTable(List<TenantInfo> rows) =>
    [
        ("TENANT ID", rows.Select(r => r.TenantId.ToString()).ToList()), ("NAME", rows.Select(r => r.Name).ToList()),
        ("CREATED", rows.Select(r => r.CreatedAt.ToString("u", CultureInfo.InvariantCulture)).ToList()),
    ];
}
