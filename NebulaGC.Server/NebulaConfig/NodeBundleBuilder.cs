using System.Buffers;
using System.Text;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// Builds a managed-mode node bundle: <c>config.yml</c>, <c>ca.crt</c>, <c>host.crt</c> and <c>lighthouses.json</c>
/// (SPEC §2). <c>host.key</c> is never included: the daemon adds its own.
/// </summary>
public static class NodeBundleBuilder
{
    /// <summary>Name of the rendered Nebula configuration inside the bundle.</summary>
    public const string ConfigFileName = "config.yml";

    /// <summary>Renders the node's files and packs them.</summary>
    /// <param name="input">Cluster state as seen by the node.</param>
    /// <param name="caCertificatesPem">The cluster CA certificate(s) as PEM; during CA rotation old and new, concatenated.</param>
    /// <param name="hostCertificatePem">The node's own certificate as PEM.</param>
    /// <param name="modificationTime">mtime of the entries (e.g. when the config version was created); the Unix epoch when null.</param>
    /// <exception cref="ArgumentException">Invalid input; see <see cref="NebulaConfigRenderer.Render(NebulaConfigInput)"/>.</exception>
    public static NebulaBundle Build(NebulaConfigInput input, string caCertificatesPem, string hostCertificatePem, DateTimeOffset? modificationTime = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(caCertificatesPem);
        ArgumentException.ThrowIfNullOrEmpty(hostCertificatePem);
        NebulaPeers peers = NebulaPeers.Resolve(input);
        // Packed straight from a pooled buffer: a large cluster's config.yml is no new large-object allocation per render.
        ArraySegment<byte> config = NebulaConfigRenderer.RenderUtf8(input, peers, ArrayPool<byte>.Shared);
        try
        {
            return NebulaBundleWriter.Write(
                [
                    new NebulaBundleFile(ConfigFileName, config),
                    new NebulaBundleFile(NebulaConfigRenderer.CaFileName, Encoding.UTF8.GetBytes(caCertificatesPem)),
                    new NebulaBundleFile(NebulaConfigRenderer.CertificateFileName, Encoding.UTF8.GetBytes(hostCertificatePem)),
                    new NebulaBundleFile(LighthousesJson.FileName, LighthousesJson.Render(peers)),
                ],
                modificationTime);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(config.Array!);
        }
    }
}
