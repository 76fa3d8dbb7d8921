using System.Diagnostics;
using System.Globalization;
using System.Net;
using NebulaGC.Client.Pki;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Pki;

namespace NebulaGC.Benchmarks;

/// <summary>Targets from the PKI/config work: host certificates signed per second, and one node's bundle render time.</summary>
public static class PkiAndRenderBenchmarks
{
    /// <summary>≥ 2,000 host certificates signed per second on one core.</summary>
    public const int CertificateGoal = 2_000;

    /// <summary>≤ 5 ms to render one node's bundle (config.yml + lighthouses.json + tar.gz) in a 10,000-node cluster.</summary>
    public const double RenderGoalMilliseconds = 5.0;

    public static void Signing(BenchOptions options, BenchReport report)
    {
        CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("bench", TimeSpan.FromDays(365)));
        // Distinct node keys, generated up front: only the server's work (parse key, sign, encode PEM) is timed.
        string[] publicKeys = Enumerable.Range(0, 512).Select(_ => X25519KeyPair.Generate().PublicKeyPem()).ToArray();
        string[] groups = ["web", "prod"];
        void SignOne(int i) => ca.SignHostCertificate(new HostCertificateRequest(
            $"node-{i}", publicKeys[i % publicKeys.Length], new OverlayAddress(NodeIp(i), 16), CertificateAuthority.DefaultHostLifetime)
        {
            Groups = groups,
        }).ToPem();

        for (int i = 0; i < options.CertificatesSigned / 10; i++)
        {
            SignOne(i);
        }
        int count = options.CertificatesSigned;
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            SignOne(i);
        }
        double perSecond = count / stopwatch.Elapsed.TotalSeconds;
        report.Add("host certificates signed per second (1 thread)", perSecond, "/s", $"≥ {CertificateGoal:N0}/s", perSecond >= CertificateGoal,
            "incl. key PEM parse and certificate PEM encode");
    }

    public static void Rendering(BenchOptions options, BenchReport report)
    {
        const int clusterSize = 10_000;
        // A busy cluster: 3 node lighthouses, 2 control-plane lighthouses, 10 relays, 500 routers with a route each,
        // 1,000 revoked certificates.
        NebulaLighthouse[] lighthouses = Enumerable.Range(1, 3)
            .Select(i => new NebulaLighthouse(NodeIp(i), [$"203.0.113.{i}:4242"])).ToArray();
        NebulaLighthouse[] controlPlane = Enumerable.Range(1, 2)
            .Select(i => new NebulaLighthouse(IPAddress.Parse($"10.42.255.{i}"), [$"198.51.100.{i}:4243"])).ToArray();
        IPAddress[] relays = Enumerable.Range(10, 10).Select(NodeIp).ToArray();
        NebulaUnsafeRoute[] routes = Enumerable.Range(0, 500)
            .Select(i => new NebulaUnsafeRoute(new IPNetwork(IPAddress.Parse($"172.{16 + i / 256}.{i % 256}.0"), 24), NodeIp(100 + i * 7))).ToArray();
        string[] blocklist = Enumerable.Range(0, 1_000)
            .Select(i => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))).ToArray();
        NebulaFirewallRule[] rules = [new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "443", "tcp") { Groups = ["web"] }];
        CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("bench", TimeSpan.FromDays(365)));
        string caPem = ca.CertificatePem;
        // Certificates are signed when a node submits its key, not per render: one stands in for every node here.
        string hostPem = ca.SignHostCertificate(new HostCertificateRequest(
            "node", X25519KeyPair.Generate().PublicKeyPem(), new OverlayAddress(NodeIp(0), 16), CertificateAuthority.DefaultHostLifetime)).ToPem();

        NebulaBundle RenderFor(int node) => NodeBundleBuilder.Build(
            new NebulaConfigInput
            {
                Node = new NebulaNodeSettings($"node-{node}", NodeIp(node)) { IsRelay = node % 1_000 == 10 },
                Lighthouses = lighthouses,
                ControlPlaneLighthouses = controlPlane,
                Relays = relays,
                UnsafeRoutes = routes,
                BlocklistFingerprints = blocklist,
                ExtraFirewallRules = rules,
            },
            caPem,
            hostPem);

        for (int i = 0; i < options.BundleRenders / 10; i++)
        {
            RenderFor(i);
        }
        GC.Collect();
        int iterations = options.BundleRenders;
        var milliseconds = new double[iterations];
        int bundleBytes = 0;
        // Process CPU time next to wall time: on a busy machine wall-clock p99 mostly measures waiting for a core.
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            bundleBytes = RenderFor(i * 5 % clusterSize).Content.Length;
            milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double cpuMean = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
        Array.Sort(milliseconds);
        double p99 = milliseconds[iterations * 99 / 100];
        report.Add($"bundle render p99, one node of {clusterSize:N0}", p99, "ms", $"≤ {RenderGoalMilliseconds} ms", p99 <= RenderGoalMilliseconds,
            string.Create(CultureInfo.InvariantCulture,
                $"500 routes, 1,000 revoked, {bundleBytes} bytes; p50 {milliseconds[iterations / 2]:F3} ms, max {milliseconds[^1]:F3} ms, mean CPU {cpuMean:F3} ms"));
    }

    private static IPAddress NodeIp(int index) => new([10, 42, (byte)(index / 250), (byte)(index % 250 + 1)]);
}
