using NebulaGC.Client.Pki;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// The node's X25519 key pair for one cluster (managed PKI): generated once, kept 0600 in
/// <c>state_dir/clusters/&lt;name&gt;/host.key</c>; only the public key ever leaves the node.
/// </summary>
public static class NodeKeyStore
{
    /// <summary>Loads the key pair, generating and saving it on first use.</summary>
    public static X25519KeyPair LoadOrCreate(ClusterPaths paths)
    {
        paths.EnsureDirectories();
        if (File.Exists(paths.HostKey))
        {
            try
            {
                return X25519KeyPair.FromPrivateKeyPem(File.ReadAllText(paths.HostKey));
            }
            catch (NebulaPkiFormatException e)
            {
                throw new IOException($"host key '{paths.HostKey}' is unreadable: {e.Message}; move it away to have a new key generated (the node then needs a new certificate)", e);
            }
        }
        var pair = X25519KeyPair.Generate();
        AtomicFile.WriteAllText(paths.HostKey, pair.PrivateKeyPem(), BundleArchive.SecretFileMode);
        AtomicFile.WriteAllText(paths.HostPublicKey, pair.PublicKeyPem(), BundleArchive.PublicFileMode);
        return pair;
    }
}
