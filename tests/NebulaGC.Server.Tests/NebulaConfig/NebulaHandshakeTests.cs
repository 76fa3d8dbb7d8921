using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NebulaGC.Client.Pki;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Tests.Pki;

namespace NebulaGC.Server.Tests.NebulaConfig;

public sealed class NebulaHandshakeTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void NodeAndLighthouse_FromOurBundles_CompleteARealNebulaHandshake()
    {
        using var cluster = new LoopbackCluster();
        cluster.Start(lighthouseBlocklist: []);

        Assert.True(
            cluster.Lighthouse.WaitForOutput("Handshake message received", "node-1", HandshakeTimeout),
            "the lighthouse saw no handshake from node-1:\n" + cluster.Lighthouse.Output + "\nnode:\n" + cluster.Node.Output);
        Assert.True(
            cluster.Node.WaitForOutput("Handshake message received", "cp-lighthouse", HandshakeTimeout),
            "node-1 saw no handshake answer from the lighthouse:\n" + cluster.Node.Output);
    }

    [Fact]
    public void Lighthouse_RefusesANodeWhoseCertificateFingerprintIsBlocklisted()
    {
        using var cluster = new LoopbackCluster();
        cluster.Start(lighthouseBlocklist: [cluster.NodeCertificate.Fingerprint]);

        Assert.True(
            cluster.Lighthouse.WaitForOutput("certificate has been blocked", "Name: node-1", HandshakeTimeout),
            "the lighthouse did not reject the blocklisted node-1:\n" + cluster.Lighthouse.Output);
        Assert.False(cluster.Node.WaitForOutput("Handshake message received", "cp-lighthouse", TimeSpan.Zero), cluster.Node.Output);
    }

    /// <summary>
    /// A tun-less control-plane lighthouse and a tun-less node on loopback: a real handshake needs no root,
    /// no tun device and no network namespace.
    /// </summary>
    private sealed class LoopbackCluster : IDisposable
    {
        private readonly CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("handshake test", TimeSpan.FromDays(1)));
        private readonly TempDirectory lighthouseDirectory = new();
        private readonly TempDirectory nodeDirectory = new();
        private readonly NebulaLighthouse lighthouse;
        private readonly NebulaConfigInput nodeInput;

        public LoopbackCluster()
        {
            lighthouse = new NebulaLighthouse(IPAddress.Parse("10.42.255.1"), [$"127.0.0.1:{FreePort.Udp()}"]);
            nodeInput = new NebulaConfigInput
            {
                Node = new NebulaNodeSettings("node-1", IPAddress.Parse("10.42.0.2"))
                {
                    TunDisabled = true, ListenHost = "127.0.0.1", LighthouseIntervalSeconds = 1,
                },
                ControlPlaneLighthouses = [lighthouse],
            };
            NodeCertificate = WriteConfigDirectory(nodeDirectory, ca, nodeInput);
        }

        public NebulaCertificate NodeCertificate { get; }

        public NebulaProcess Lighthouse { get; private set; } = null!;

        public NebulaProcess Node { get; private set; } = null!;

        public void Start(IReadOnlyList<string> lighthouseBlocklist)
        {
            int port = int.Parse(lighthouse.Endpoints[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            WriteConfigDirectory(lighthouseDirectory, ca, new NebulaConfigInput
            {
                Node = new NebulaNodeSettings("cp-lighthouse", lighthouse.OverlayIp)
                {
                    IsLighthouse = true, TunDisabled = true, PinnedListenPort = port, ListenHost = "127.0.0.1",
                },
                ControlPlaneLighthouses = [lighthouse],
                BlocklistFingerprints = lighthouseBlocklist,
            });
            Lighthouse = new NebulaProcess(lighthouseDirectory.Path);
            Node = new NebulaProcess(nodeDirectory.Path);
        }

        public void Dispose()
        {
            Node?.Dispose();
            Lighthouse?.Dispose();
            nodeDirectory.Dispose();
            lighthouseDirectory.Dispose();
        }
    }

    private static NebulaCertificate WriteConfigDirectory(TempDirectory directory, CertificateAuthority ca, NebulaConfigInput input)
    {
        X25519KeyPair key = X25519KeyPair.Generate();
        NebulaCertificate certificate = ca.SignHostCertificate(new HostCertificateRequest(
            input.Node.Name, key.PublicKeyPem(), new OverlayAddress(input.Node.OverlayIp, 16), TimeSpan.FromHours(1)));
        directory.Write("ca.crt", ca.CertificatePem);
        directory.Write("host.crt", certificate.ToPem());
        directory.Write("host.key", key.PrivateKeyPem());
        directory.Write("config.yml", NebulaConfigRenderer.Render(input));
        return certificate;
    }

    /// <summary>A nebula process run in a config directory, its combined output collected; killed on dispose.</summary>
    private sealed class NebulaProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();

        public NebulaProcess(string workingDirectory)
        {
            // Validate first: a broken config should fail here with nebula's reason, not as a missing handshake.
            ProcessResult test = NebulaTools.Nebula(workingDirectory, "-test", "-config", "config.yml");
            Assert.True(test.ExitCode == 0, test.Describe());
            process = new Process
            {
                StartInfo = new ProcessStartInfo("nebula")
                {
                    WorkingDirectory = workingDirectory,
                    ArgumentList = { "-config", "config.yml" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                },
            };
            process.OutputDataReceived += (_, line) => Append(line.Data);
            process.ErrorDataReceived += (_, line) => Append(line.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public bool WaitForOutput(string message, string certificateName, TimeSpan timeout)
        {
            lock (output)
            {
                DateTime deadline = DateTime.UtcNow + timeout;
                while (!HasLine(message, certificateName))
                {
                    TimeSpan remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero || process.HasExited)
                    {
                        return HasLine(message, certificateName);
                    }
                    Monitor.Wait(output, remaining);
                }
                return true;
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }

        private bool HasLine(string message, string certificateName) =>
            output.ToString().Split('\n').Any(line => line.Contains(message, StringComparison.Ordinal) && line.Contains(certificateName, StringComparison.Ordinal));

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.Append(line).Append('\n');
                Monitor.PulseAll(output);
            }
        }
    }
}
